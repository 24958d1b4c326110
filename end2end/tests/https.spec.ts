// HTTPS (AVG-19) in a real browser: the test command starts a second
// `winkel serve` on the same database with WINKEL_TLS_CERT/WINKEL_TLS_KEY
// (a certificate it makes for 127.0.0.1) and WINKEL_HTTP_REDIRECT_ADDR, and
// passes both addresses here. The browser is told to accept that
// certificate; everything else is as a visitor sees it.
import { expect, test } from '@playwright/test';
import { cartCount, cmsLogInAsOwner, productCard, visit } from './support';

const httpsUrl = process.env.WINKEL_E2E_HTTPS_URL;
const redirectUrl = process.env.WINKEL_E2E_HTTP_REDIRECT_URL;

if (!httpsUrl || !redirectUrl) {
  // Nothing is skipped under CI: a missing HTTPS server is a failure there.
  if (process.env.CI) throw new Error('CI=true but WINKEL_E2E_HTTPS_URL / WINKEL_E2E_HTTP_REDIRECT_URL are not set');
  test.skip(true, 'no HTTPS server: run the suite through ./winkel test e2e');
}

test.use({ baseURL: httpsUrl, ignoreHTTPSErrors: true });

test('the shop over HTTPS sends HSTS, hydrates and keeps the cart in a __Host- cookie', async ({ page, context }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).protocol).toBe('https:');
  const headers = response?.headers() ?? {};
  expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(headers['content-security-policy']).toContain("'nonce-");

  await visit(page, '/');
  await productCard(page, 'Espressobonen Amsterdam').getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText('1');

  const cookies = await context.cookies(httpsUrl);
  const session = cookies.find((c) => c.name === '__Host-winkel_session');
  expect(session, 'the session cookie carries the __Host- prefix').toBeDefined();
  expect(session).toMatchObject({ secure: true, httpOnly: true, path: '/', sameSite: 'Lax' });
  expect(cookies.map((c) => c.name)).not.toContain('winkel_session');

  // The cart survives a reload: the browser sends the cookie back.
  await visit(page, '/cart');
  await expect(cartCount(page)).toHaveText('1');
});

test('plain HTTP is redirected to the same page over HTTPS', async ({ page }) => {
  const response = await page.goto(`${redirectUrl}/products/espressobonen-amsterdam?from=mail`);
  expect(page.url()).toBe(`${httpsUrl}/products/espressobonen-amsterdam?from=mail`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Espressobonen Amsterdam');
});

test('the CMS over HTTPS: its cookie is __Host-, Secure and SameSite=Strict', async ({ page, context }) => {
  await cmsLogInAsOwner(page);
  const cookies = await context.cookies(httpsUrl);
  const cms = cookies.find((c) => c.name === '__Host-winkel_cms');
  expect(cms, 'the CMS cookie carries the __Host- prefix').toBeDefined();
  expect(cms).toMatchObject({ secure: true, httpOnly: true, path: '/', sameSite: 'Strict' });
  await visit(page, '/cms/customers');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klanten');
});
