// Every CMS screen hydrates cleanly on a shop with real data (issue 13,
// goal 6): an order from a guest who subscribed to the newsletter, a
// question, and the backup that the e2e server's scheduler made of the
// missed night when it started. The owner opens every list and every kind of
// detail screen, and so does a member with few rights; any console error,
// hydration warning, panic or failed request fails the test.
import { expect, test } from '@playwright/test';
import {
  cmsLogIn,
  cmsLogInAsOwner,
  cmsNav,
  placeGuestOrder,
  STAFF_FIRST_PASSWORD,
  uniqueEmail,
  validCustomer,
  visit,
  waitForFormGuard,
  waitForHydration,
  watchConsole,
} from './support';

test('every CMS screen hydrates without console errors on a shop with data (owner)', async ({ browser, page }) => {
  test.slow();
  // The data: an order (with a newsletter subscription) and a question.
  const email = uniqueEmail('hydratie');
  await placeGuestOrder(page, 'espressobonen-amsterdam', { ...validCustomer, email, newsletter: true });
  await visit(page, '/contact');
  const contact = page.locator('form.contact');
  await contact.locator('input[name="first_name"]').fill('Hanna');
  await contact.locator('input[name="last_name"]').fill('Hydratie');
  await contact.locator('input[name="email"]').fill(email);
  await contact.locator('textarea[name="question"]').fill('Verzenden jullie ook naar België?');
  await waitForFormGuard(contact);
  await contact.getByRole('button', { name: 'Verstuur je vraag' }).click();
  await expect(page).toHaveURL(/\/contact\?sent=1$/, { timeout: 15_000 });

  const owner = await (await browser.newContext()).newPage();
  const problems = watchConsole(owner);
  await cmsLogInAsOwner(owner);

  // Each list, then the first record it links to.
  const screens: [string, string | null][] = [
    ['/cms', null],
    ['/cms/customers', 'table.cms-customers tbody a'],
    ['/cms/orders', 'table.cms-orders tbody a'],
    ['/cms/bookings', null],
    ['/cms/bookables', null],
    ['/cms/questions', 'table.cms-questions a'],
    ['/cms/catalog', 'table.cms-products a'],
    ['/cms/shipping', null],
    ['/cms/pages', 'table.cms-pages a'],
    ['/cms/staff', null],
    ['/cms/audit', null],
    ['/cms/settings', null],
    ['/cms/password', null],
  ];
  for (const [path, detail] of screens) {
    await visit(owner, path);
    await owner.waitForLoadState('networkidle');
    if (detail) {
      const href = await owner.locator(detail).first().getAttribute('href');
      expect(href, `${path} links to a record`).toBeTruthy();
      await visit(owner, href!);
      await owner.waitForLoadState('networkidle');
    }
  }

  // The settings screen was seen in the state every real shop is in after
  // its first night: with a backup.
  await visit(owner, '/cms/settings');
  const lastBackup = owner.locator('.backup-status dt', { hasText: 'Laatste back-up' }).locator('xpath=following-sibling::dd[1]');
  await expect(lastBackup).toContainText(/\d/);
  await expect(lastBackup).not.toContainText('nog niet uitgevoerd');

  expect(problems).toEqual([]);
});

test('every CMS screen hydrates without console errors for a member with only orders.view', async ({ browser }) => {
  test.slow();
  const owner = await (await browser.newContext()).newPage();
  await cmsLogInAsOwner(owner);
  const email = uniqueEmail('hydratie-balie');
  const password = 'een eigen zin voor de balie van de winkel';
  await visit(owner, '/cms/staff');
  const create = owner.locator('form.cms-create-staff');
  await create.locator('input[name="email"]').fill(email);
  await create.locator('input[name="password"]').fill(STAFF_FIRST_PASSWORD);
  await create.locator('input[name="rights[]"][value="orders.view"]').check();
  await create.getByRole('button', { name: 'Aanmaken' }).click();
  await expect(owner.getByRole('status')).toContainText('De medewerker is aangemaakt');

  const member = await (await browser.newContext()).newPage();
  const problems = watchConsole(member);
  await cmsLogIn(member, email, STAFF_FIRST_PASSWORD);
  await expect(member.getByRole('heading', { level: 1 })).toHaveText('Kies je eigen wachtwoord', {
    timeout: 15_000,
  });
  await waitForHydration(member);
  const choose = member.locator('form.cms-password');
  await choose.locator('input[name="current_password"]').fill(STAFF_FIRST_PASSWORD);
  await choose.locator('input[name="new_password"]').fill(password);
  await choose.getByRole('button', { name: 'Opslaan' }).click();
  // The answer comes after the new password is hashed: wait for the
  // dashboard before leaving the page (leaving would cancel the request).
  await expect(cmsNav(member)).toContainText(email, { timeout: 15_000 });
  await visit(member, '/cms');
  await expect(cmsNav(member)).toContainText(email);

  // Allowed: the dashboard and the orders with one order. Refused: the rest,
  // each answered with the refusal in the page, not a broken screen.
  const allowed = ['/cms', '/cms/orders'];
  const refused = ['/cms/customers', '/cms/questions', '/cms/catalog', '/cms/shipping', '/cms/pages', '/cms/staff', '/cms/audit', '/cms/settings'];
  for (const path of allowed) {
    await visit(member, path);
    await member.waitForLoadState('networkidle');
    // A monitoring warning on the dashboard (the suite's own traffic can
    // raise one) is news for staff, not a broken screen.
    await expect(member.locator('.cms-body p.error:not(.security-alert)')).toHaveCount(0);
  }
  const order = await member.locator('table.cms-orders tbody a').first().getAttribute('href');
  if (order) {
    await visit(member, order);
    await member.waitForLoadState('networkidle');
  }
  for (const path of refused) {
    await visit(member, path);
    await member.waitForLoadState('networkidle');
    // A list says "no right to see this", a screen "no access": either way
    // the refusal is in the page (the server function answered 403).
    await expect(member.locator('.cms-body p.error').first(), path).toBeVisible();
  }
  expect(problems).toEqual([]);
});

test('the booking pages hydrate without console errors', async ({ page }) => {
  const problems = watchConsole(page);
  await visit(page, '/bookings');
  await page.waitForLoadState('networkidle');
  for (const slug of ['fietsreparatie', 'kookworkshop-pasta', 'adviesgesprek']) {
    await visit(page, `/bookings/${slug}`);
    await page.waitForLoadState('networkidle');
    const next = await page.locator('a.next-month').getAttribute('href');
    if (next) {
      await visit(page, next);
      await page.waitForLoadState('networkidle');
    }
  }
  // An unknown token: the not-found page, hydrated all the same.
  const missing = await page.goto('/bookings/confirmed/00000000000000000000000000000000');
  expect(missing?.status()).toBe(404);
  await waitForHydration(page);
  expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
});

test('the paperwork pages hydrate without console errors, in both languages', async ({ page }) => {
  const problems = watchConsole(page);
  // An order with its payment instructions and invoice link, then the terms,
  // the returns page and the forgotten-password pages.
  const token = await placeGuestOrder(page, 'espressobonen-amsterdam', { ...validCustomer, email: uniqueEmail('papier') });
  for (const path of [
    `/orders/${token}`,
    `/en/orders/${token}`,
    '/voorwaarden',
    '/retourneren',
    '/en/voorwaarden',
    '/account/password/forgot',
    '/en/account/password/forgot',
    '/account/password/reset?t=kapot',
  ]) {
    await visit(page, path);
    await page.waitForLoadState('networkidle');
  }
  expect(problems).toEqual([]);
});
