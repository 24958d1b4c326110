// The CMS in a real browser (issue 4, AVG-10, AVG-11, AVG-13): the owner
// creates a staff member with only `orders.view`; the member logs in, sets
// their own password, sees the orders and opens one, and is refused a
// customer; the owner locks them mid-session and their next click ends on the
// CMS login; the owner finds the member's order views in the audit log.
//
// The server is a freshly seeded demo shop whose owner account was created by
// the test command (`OWNER` in support.ts, from WINKEL_E2E_OWNER_EMAIL and
// WINKEL_E2E_OWNER_PASSWORD); see README.md. Every staff member and order
// this file creates has its own unique email address.
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  CMS_FORBIDDEN,
  cmsLogIn,
  cmsLogInAsOwner,
  cmsNav,
  markDocument,
  OWNER,
  placeGuestOrder,
  sameDocument,
  STAFF_FIRST_PASSWORD,
  uniqueEmail,
  validCustomer,
  visit,
} from './support';

const KAASSCHAAF = { name: 'Kaasschaaf klassiek', slug: 'kaasschaaf-klassiek' };

/** Every CMS page of the contract that needs a login. */
const CMS_PAGES = [
  '/cms',
  '/cms/customers',
  '/cms/customers/1',
  '/cms/orders',
  '/cms/orders/1',
  '/cms/bookings',
  '/cms/bookings/1',
  '/cms/bookables',
  '/cms/bookables/1',
  '/cms/catalog',
  '/cms/pages',
  '/cms/staff',
  '/cms/settings',
  '/cms/audit',
  '/cms/password',
];

/** The CMS login page, as the end of a refused request. */
async function expectCmsLogin(page: Page) {
  await expect(page).toHaveURL(/\/cms\/login$/, { timeout: 15_000 });
  await expect(page.locator('form.cms-login-form')).toBeVisible();
  await expect(cmsNav(page)).toHaveCount(0);
}

/** A server function called directly with this page's cookies. */
async function callServer(page: Page, endpoint: string, form: Record<string, string> = {}) {
  return page.request.post(`/api/${endpoint}`, { form });
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

// ---------------------------------------------------------------------------
// (1) The scenario: rights, lock and audit, with two browsers
// ---------------------------------------------------------------------------

test('a member with only orders.view sees orders, is refused customers, is locked out mid-session and audited', async ({
  browser,
  page: shopper,
}) => {
  test.slow(); // PBKDF2 for every login and password change, in a debug build

  // A guest order, so that there is something to look at.
  const customer = {
    ...validCustomer,
    email: uniqueEmail('cor'),
    first_name: 'Cor',
    last_name: 'Beheertest',
  };
  const token = await placeGuestOrder(shopper, KAASSCHAAF.slug, customer);
  const recipient = `${customer.first_name} ${customer.last_name}`;

  const owner = await newPage(browser);
  const member = await newPage(browser);
  const memberEmail = uniqueEmail('balie');
  const memberPassword = 'mijn eigen geheime zin voor de kassa';

  try {
    // --- The owner creates the member with only orders.view. -------------
    await cmsLogInAsOwner(owner);
    for (const link of ['Overzicht', 'Klanten', 'Bestellingen', 'Medewerkers', 'Logboek']) {
      await expect(cmsNav(owner).getByRole('link', { name: link, exact: true })).toBeVisible();
    }
    await cmsNav(owner).getByRole('link', { name: 'Medewerkers', exact: true }).click();
    await expect(owner).toHaveURL(/\/cms\/staff$/);
    await expect(owner.locator('table.cms-staff tr.staff-row', { hasText: OWNER.email })).toBeVisible();

    const create = owner.locator('form.cms-create-staff');
    await create.locator('input[name="email"]').fill(memberEmail);
    await create.locator('input[name="password"]').fill(STAFF_FIRST_PASSWORD);
    await create.locator('input[name="rights[]"][value="orders.view"]').check();
    await create.getByRole('button', { name: 'Aanmaken' }).click();
    await expect(owner.getByRole('status')).toContainText('De medewerker is aangemaakt');
    // The list updates without a reload.
    const memberRow = owner.locator('table.cms-staff tr.staff-row', { hasText: memberEmail });
    await expect(memberRow).toHaveCount(1);
    await expect(memberRow.locator('input[name="rights[]"][value="orders.view"]')).toBeChecked();
    await expect(memberRow.locator('input[name="rights[]"][value="customers.view"]')).not.toBeChecked();
    await expect(memberRow.locator('form.staff-lock').getByRole('button')).toHaveText('Blokkeren');

    // --- The member logs in and first chooses their own password. --------
    await cmsLogIn(member, memberEmail, STAFF_FIRST_PASSWORD);
    await expect(member.getByRole('heading', { level: 1 })).toHaveText('Kies je eigen wachtwoord', {
      timeout: 15_000,
    });
    await expect(cmsNav(member)).toHaveCount(0);
    const choose = member.locator('form.cms-password');
    await choose.locator('input[name="current_password"]').fill(STAFF_FIRST_PASSWORD);
    await choose.locator('input[name="new_password"]').fill(memberPassword);
    await choose.getByRole('button', { name: 'Opslaan' }).click();
    await expect(member).toHaveURL(/\/cms$/, { timeout: 15_000 });
    // The dashboard should follow without a reload. Soft, so that the rest of
    // the scenario still runs if it does not: then a reload must show it.
    await expect
      .soft(cmsNav(member), 'after "Opslaan" the dashboard replaces the password screen')
      .toContainText(memberEmail, { timeout: 15_000 });
    if ((await cmsNav(member).count()) === 0) await visit(member, '/cms');
    await expect(cmsNav(member)).toContainText(memberEmail);
    await expect(member.getByRole('heading', { level: 1 })).toHaveText('Overzicht');

    // Only what orders.view allows is in the navigation.
    const memberNav = cmsNav(member);
    await expect(memberNav.getByRole('link', { name: 'Overzicht', exact: true })).toBeVisible();
    await expect(memberNav.getByRole('link', { name: 'Bestellingen', exact: true })).toBeVisible();
    for (const hidden of ['Klanten', 'Catalogus', "Pagina's", 'Medewerkers', 'Logboek', 'Instellingen']) {
      await expect(memberNav.getByRole('link', { name: hidden, exact: true })).toHaveCount(0);
    }
    await expect(memberNav.getByRole('button', { name: 'Uitloggen' })).toBeVisible();

    // --- The member sees the orders and opens the guest's order. --------
    await memberNav.getByRole('link', { name: 'Bestellingen', exact: true }).click();
    await expect(member).toHaveURL(/\/cms\/orders$/);
    // Newest first: the first row with this name is the order just placed.
    const orderRow = member.locator('table.cms-orders tbody tr', { hasText: recipient }).first();
    await expect(orderRow).toBeVisible();
    await orderRow.getByRole('link').click();
    await expect(member).toHaveURL(/\/cms\/orders\/\d+$/);
    const orderId = member.url().match(/\/cms\/orders\/(\d+)$/)![1];
    await expect(member.locator('.order-token')).toHaveText(token);
    await expect(member.locator('table.order-lines')).toContainText(KAASSCHAAF.name);
    // Without orders.edit there are no status buttons.
    await expect(member.locator('.status-actions button')).toHaveCount(0);

    // --- A customer's detail is refused, on the page and on the server. --
    await visit(member, '/cms/customers/1');
    await expect(member.locator('.cms-body p.error[role="alert"]')).toHaveText(CMS_FORBIDDEN);
    await expect(member.locator('.cms-body')).not.toContainText(customer.email);
    await expect(cmsNav(member).getByRole('link', { name: 'Klanten', exact: true })).toHaveCount(0);
    expect((await callServer(member, 'cms_customer', { id: '1' })).status()).toBe(403);
    expect((await callServer(member, 'cms_customers')).status()).toBe(403);
    expect((await callServer(member, 'cms_staff')).status()).toBe(403);
    expect((await callServer(member, 'cms_audit')).status()).toBe(403);
    // What the right allows still answers.
    expect((await callServer(member, 'cms_orders')).status()).toBe(200);

    // The member is busy with the order when the owner locks them.
    await visit(member, `/cms/orders/${orderId}`);
    await expect(member.locator('.order-token')).toHaveText(token);

    // --- The owner locks the member while they are logged in. -----------
    await memberRow.locator('form.staff-lock').getByRole('button', { name: 'Blokkeren' }).click();
    await expect(memberRow.locator('form.staff-lock').getByRole('button')).toHaveText('Deblokkeren');
    await expect(memberRow).toContainText('geblokkeerd');

    // The member's next click inside the CMS ends on the CMS login …
    await cmsNav(member).getByRole('link', { name: 'Bestellingen', exact: true }).click();
    await expectCmsLogin(member);
    await expect(member.locator('table.cms-orders')).toHaveCount(0);
    // … and so does a fresh page load (the server-side gate) …
    await member.goto(`/cms/orders/${orderId}`);
    await expectCmsLogin(member);
    await expect(member.locator('.order-token')).toHaveCount(0);
    // … and the server functions answer 401.
    expect((await callServer(member, 'cms_orders')).status()).toBe(401);
    expect((await callServer(member, 'cms_order', { id: orderId })).status()).toBe(401);
    // Logging in again does not help while locked.
    await cmsLogIn(member, memberEmail, memberPassword);
    await expect(member.locator('p.error[role="alert"]')).toBeVisible({ timeout: 15_000 });
    await expectCmsLogin(member);

    // --- The owner sees the member's order views and the lock. ----------
    await cmsNav(owner).getByRole('link', { name: 'Logboek', exact: true }).click();
    await expect(owner).toHaveURL(/\/cms\/audit$/);
    const entries = owner.locator('table.cms-audit tbody tr');
    const created = entries.filter({ hasText: 'staff.create' }).filter({ hasText: 'orders.view' });
    await expect(created.first()).toBeVisible();
    // The newest entries come first: the latest staff.create is this member's.
    const memberId = (await created.first().locator('td').nth(3).innerText()).match(/staff #(\d+)/)![1];

    const views = entries.filter({ hasText: memberEmail }).filter({ hasText: 'order.view' });
    await expect(views.first()).toBeVisible();
    expect(await views.count()).toBeGreaterThanOrEqual(2); // opened twice
    await expect(views.first().locator('td').nth(1)).toHaveText(memberEmail);
    await expect(views.first().locator('td').nth(2)).toHaveText('order.view');
    await expect(views.first().locator('td').nth(3)).toHaveText(`order #${orderId}`);

    const lock = entries
      .filter({ hasText: 'staff.lock' })
      .filter({ has: owner.locator('td', { hasText: new RegExp(`^staff #${memberId}$`) }) });
    await expect(lock).toHaveCount(1);
    await expect(lock.locator('td').nth(1)).toHaveText(OWNER.email);
    await expect(lock.locator('td').nth(3)).toHaveText(`staff #${memberId}`);

    // A refused request is no view of customer data.
    await expect(entries.filter({ hasText: memberEmail }).filter({ hasText: 'customer.view' })).toHaveCount(0);
    // No IP address anywhere in the log (AVG-13).
    await expect(owner.locator('table.cms-audit')).not.toContainText(/\b\d{1,3}(\.\d{1,3}){3}\b/);

    // The filter narrows the log to the order views.
    await owner.locator('form.search input[name="action"]').fill('order.view');
    await owner.locator('form.search').getByRole('button', { name: 'Zoeken' }).click();
    await expect(owner).toHaveURL(/[?&]action=order\.view/);
    await expect(entries.filter({ hasText: 'staff.lock' })).toHaveCount(0);
    await expect(entries.filter({ hasText: memberEmail }).first()).toBeVisible();
    for (const action of await entries.locator('td:nth-child(3)').allInnerTexts()) {
      expect(action).toBe('order.view');
    }
  } finally {
    await owner.context().close();
    await member.context().close();
  }
});

// ---------------------------------------------------------------------------
// (2) Without a login every CMS page sends the visitor to the CMS login
// ---------------------------------------------------------------------------

test('without a CMS login every CMS page redirects to /cms/login (JS)', async ({ page }) => {
  for (const path of CMS_PAGES) {
    await page.goto(path);
    await expectCmsLogin(page);
  }
  await waitForLoginHydrated(page);
  // The server functions refuse an anonymous caller.
  for (const endpoint of ['cms_orders', 'cms_customers', 'cms_staff', 'cms_audit', 'cms_dashboard', 'cms_bookings', 'cms_bookables']) {
    expect((await callServer(page, endpoint)).status(), endpoint).toBe(401);
  }
  // A wrong password keeps the visitor out.
  await cmsLogIn(page, OWNER.email, 'niet het wachtwoord van de eigenaar');
  await expect(page.locator('p.error[role="alert"]')).toBeVisible({ timeout: 15_000 });
  await expectCmsLogin(page);
});

async function waitForLoginHydrated(page: Page) {
  await visit(page, '/cms/login');
  await expect(page.locator('form.cms-login-form')).toBeVisible();
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('every CMS page redirects to /cms/login', async ({ page }) => {
    for (const path of CMS_PAGES) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      await expectCmsLogin(page);
    }
  });

  test('the owner logs in and out with plain form posts', async ({ page }) => {
    await cmsLogIn(page, OWNER.email, OWNER.password, { js: false });
    await expect(page).toHaveURL(/\/cms$/, { timeout: 15_000 });
    await expect(cmsNav(page)).toContainText(OWNER.email);
    await page.goto('/cms/staff');
    await expect(page.locator('table.cms-staff tr.staff-row', { hasText: OWNER.email })).toBeVisible();
    await cmsNav(page).getByRole('button', { name: 'Uitloggen' }).click();
    await expectCmsLogin(page);
    await page.goto('/cms/staff');
    await expectCmsLogin(page);
  });
});

test('the owner edits a customer: the name and address above the form follow the save (JS)', async ({
  browser,
  page: shopper,
}) => {
  test.slow(); // a checkout and a CMS login in a debug build
  const customer = { ...validCustomer, email: uniqueEmail('dora'), first_name: 'Dora', last_name: 'Klantkaart' };
  await placeGuestOrder(shopper, KAASSCHAAF.slug, customer);
  const owner = await newPage(browser);
  try {
    await cmsLogInAsOwner(owner);
    await visit(owner, `/cms/customers?q=${encodeURIComponent(customer.email)}`);
    await owner.locator('table.cms-customers tbody tr', { hasText: customer.email }).getByRole('link').click();
    await expect(owner).toHaveURL(/\/cms\/customers\/\d+$/);
    await expect(owner.getByRole('heading', { level: 1 })).toHaveText('Dora Klantkaart');
    await markDocument(owner);

    const form = owner.locator('form.cms-customer');
    const newEmail = uniqueEmail('dora-nieuw');
    await form.locator('input[name="first_name"]').fill('Doortje');
    await form.locator('input[name="email"]').fill(newEmail);
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await expect(owner.getByRole('status')).toHaveText('Opgeslagen.');
    await expect(owner.getByRole('heading', { level: 1 })).toHaveText('Doortje Klantkaart');
    await expect(owner.locator('dd.customer-email')).toHaveText(newEmail);
    expect(await sameDocument(owner), 'shown without a reload').toBe(true);
  } finally {
    await owner.context().close();
  }
});
