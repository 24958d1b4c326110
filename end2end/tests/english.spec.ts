// The shop in English (issue 16): the language switch on a product page
// and back, a checkout in English with and without JavaScript that creates
// an account and gets the English welcome mail, and every English page
// hydrating without a console error.
//
// Mail: the test command starts the server with WINKEL_MAIL_DIR (see
// contact.spec.ts and README.md).
import { expect, test, type Page } from '@playwright/test';
import {
  ACCOUNT_PASSWORD,
  fillCheckout,
  mailTo,
  linkIn,
  uniqueEmail,
  validCustomer,
  visit,
  waitForFormGuard,
  watchConsole,
  waitForHydration,
} from './support';

const ESPRESSO = { slug: 'espressobonen-amsterdam', nl: '€ 12,95', en: '€12.95' };
const THEEPOT = { slug: 'theepot-gietijzer' };

const EN = {
  addToCart: 'Add to cart',
  checkout: 'Check out',
  placeOrder: 'Place order',
  thanks: 'Thank you for your order',
  welcomeSubject: 'Your account at',
};

/** The page's `<html lang>`. */
async function pageLanguage(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

test('the language switch leads to the same page in the other language and back', async ({ page }) => {
  const problems = watchConsole(page);
  await visit(page, `/products/${ESPRESSO.slug}`);
  expect(await pageLanguage(page)).toBe('nl');
  await expect(page.locator('article.product .price')).toContainText(ESPRESSO.nl);
  // Search engines find the other language.
  await expect(page.locator('head link[rel="alternate"][hreflang="en"]')).toHaveAttribute(
    'href',
    new RegExp(`/en/products/${ESPRESSO.slug}$`),
  );

  await page.getByTestId('language-switch').click();
  await expect(page).toHaveURL(new RegExp(`/en/products/${ESPRESSO.slug}$`));
  await waitForHydration(page);
  expect(await pageLanguage(page)).toBe('en');
  await expect(page.locator('article.product .price')).toContainText(ESPRESSO.en);
  await expect(page.getByRole('button', { name: EN.addToCart })).toBeVisible();
  // Links inside the English shop stay English.
  await expect(page.locator('header a.cart-link')).toHaveAttribute('href', '/en/cart');

  await page.getByTestId('language-switch').click();
  await expect(page).toHaveURL(new RegExp(`/products/${ESPRESSO.slug}$`));
  await waitForHydration(page);
  expect(await pageLanguage(page)).toBe('nl');
  expect(new URL(page.url()).pathname).toBe(`/products/${ESPRESSO.slug}`);
  expect(problems).toEqual([]);
});

for (const js of [true, false]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('check out in English, create an account, receive the English mail', async ({ page }) => {
      const email = uniqueEmail(js ? 'english-js' : 'english-nojs');
      const open = async (path: string) => (js ? visit(page, path) : page.goto(path));
      await open(`/en/products/${THEEPOT.slug}`);
      await page.getByRole('button', { name: EN.addToCart }).click();
      if (js) await expect(page.getByTestId('cart-count')).toHaveText('1');
      else await expect(page).toHaveURL(new RegExp(`/en/products/${THEEPOT.slug}\\??$`));

      await open('/en/cart');
      await page.getByRole('link', { name: EN.checkout }).click();
      await expect(page).toHaveURL(/\/en\/checkout$/);
      if (js) await waitForHydration(page);
      await fillCheckout(page, { ...validCustomer, email });
      const form = page.locator('form.checkout');
      await form.locator('input[name="create_account"]').check();
      await form.locator('input[name="password"]').fill(ACCOUNT_PASSWORD);
      await waitForFormGuard(form);
      await page.getByRole('button', { name: EN.placeOrder }).click();

      await expect(page).toHaveURL(/\/en\/orders\/[0-9a-f]{32}$/, { timeout: 15_000 });
      expect(await pageLanguage(page)).toBe('en');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(EN.thanks);

      const mail = await mailTo(email, EN.welcomeSubject);
      expect(mail).toContain('Subject: Your account at');
      expect(linkIn(mail, '/en/login')).toBe('/en/login');
    });
  });
}

test('every English shop page hydrates without a console error', async ({ page }) => {
  const problems = watchConsole(page);
  const paths = [
    '/en',
    `/en/products/${ESPRESSO.slug}`,
    '/en/cart',
    '/en/checkout',
    '/en/bookings',
    '/en/login',
    '/en/register',
    '/en/privacy',
    '/en/contact',
    '/en/newsletter',
    '/en/over-ons',
  ];
  for (const path of paths) {
    await visit(page, path);
    expect(await pageLanguage(page), path).toBe('en');
  }
  // Moving around inside the English shop keeps it English.
  await visit(page, '/en');
  await page.locator('header a.cart-link').click();
  await expect(page).toHaveURL(/\/en\/cart$/);
  expect(problems).toEqual([]);
});
