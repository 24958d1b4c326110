// Customer accounts in a real browser (issue 3, AVG-6, AVG-7, AVG-16 and the
// GDPR export): register, log in, "Mijn account", order history, export,
// "Verwijder mijn account" — with and without JavaScript.
//
// Every test has its own browser context and its own email address, so the
// tests do not depend on each other or on their order, and can run again
// against the same database. The server is a freshly seeded demo shop; see
// README.md.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import {
  ACCOUNT_PASSWORD,
  accountLink,
  cartCount,
  fillCheckout,
  logIn,
  LOGIN_FAILED,
  loginError,
  markDocument,
  newAccount,
  ORDER_URL,
  register,
  sameDocument,
  submitCheckout,
  submitLogin,
  uniqueEmail,
  validCustomer,
  visit,
  waitForHydration,
} from './support';

const ESPRESSO = { name: 'Espressobonen Amsterdam', slug: 'espressobonen-amsterdam', cents: 1295 };
const THEEPOT = { name: 'Theepot gietijzer', slug: 'theepot-gietijzer', cents: 3995 };

const MSG = {
  saved: 'Je gegevens zijn opgeslagen.',
  passwordChanged: 'Je wachtwoord is gewijzigd.',
  wrongPassword: 'Je huidige wachtwoord klopt niet.',
  deleted: 'Je account is verwijderd',
  pleaseLogIn: 'Log in om je account te bekijken.',
};

/** With JS: puts `quantity` of a product in the cart from its product page. */
async function addToCart(page: Page, slug: string, quantity: number, expectedCount: number) {
  await visit(page, `/products/${slug}`);
  await page.locator('form.add-to-cart input[name="quantity"]').fill(String(quantity));
  await page.locator('form.add-to-cart').getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText(String(expectedCount));
}

/** The order history on "Mijn account". */
function orderHistory(page: Page) {
  return page.locator('section.account-orders ul.order-history > li');
}

type ExportedOrder = {
  token: string;
  lines: { product_name: string; quantity: number; unit_price_cents: number; line_total_cents: number }[];
};
type Export = {
  format: string;
  profile: Record<string, unknown> & { email: string; city: string; first_name: string };
  orders: ExportedOrder[];
};

// ---------------------------------------------------------------------------
// (1) The whole life of an account, with JavaScript
// ---------------------------------------------------------------------------

test('register, edit Mijn account, order, export and delete the account (JS)', async ({ page }) => {
  test.slow(); // many PBKDF2 hashes (register, logins, delete) in a debug build
  const account = newAccount(uniqueEmail('anna'));

  // Register; the header still offers "Inloggen".
  await register(page, account);
  await expect(accountLink(page)).toHaveText('Inloggen');

  // Log in: "Mijn account" greets her, the header names her.
  await submitLogin(page, account.email, account.password);
  await expect(page).toHaveURL(/\/account$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mijn account');
  await expect(page.locator('p.greeting')).toHaveText(`Hallo ${account.first_name} (${account.email})`);
  await expect(accountLink(page)).toHaveText(`Mijn account (${account.first_name})`);
  await expect(page.getByText('Je hebt nog niets besteld.')).toBeVisible();

  // "Mijn gegevens" is prefilled with what she registered.
  const profile = page.locator('form.profile');
  await expect(profile.locator('input[name="first_name"]')).toHaveValue(account.first_name);
  await expect(profile.locator('input[name="street"]')).toHaveValue(account.street);
  await expect(profile.locator('input[name="city"]')).toHaveValue(account.city);

  // She moves to Amersfoort: save, reload, still there.
  await profile.locator('input[name="street"]').fill('Langestraat');
  await profile.locator('input[name="house_number"]').fill('7');
  await profile.locator('input[name="postcode"]').fill('3811 AA');
  await profile.locator('input[name="city"]').fill('Amersfoort');
  await profile.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.locator('section.account-profile').getByRole('status')).toHaveText(MSG.saved);
  await visit(page, '/account');
  await expect(page.locator('form.profile input[name="city"]')).toHaveValue('Amersfoort');
  await expect(page.locator('form.profile input[name="street"]')).toHaveValue('Langestraat');

  // She goes by another first name: the greeting and the header follow the
  // save at once, on the same document (no reload).
  await markDocument(page);
  account.first_name = 'Anneke';
  await page.locator('form.profile input[name="first_name"]').fill(account.first_name);
  await page.locator('form.profile').getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.locator('section.account-profile').getByRole('status')).toHaveText(MSG.saved);
  await expect(page.locator('p.greeting')).toHaveText(`Hallo Anneke (${account.email})`);
  await expect(accountLink(page)).toHaveText('Mijn account (Anneke)');
  expect(await sameDocument(page)).toBe(true);

  // Order while logged in: the checkout is prefilled from the profile and
  // offers no second account.
  await addToCart(page, ESPRESSO.slug, 2, 2);
  await visit(page, '/checkout');
  const checkout = page.locator('form.checkout');
  await expect(checkout.locator('input[name="email"]')).toHaveValue(account.email);
  await expect(checkout.locator('input[name="first_name"]')).toHaveValue(account.first_name);
  await expect(checkout.locator('input[name="city"]')).toHaveValue('Amersfoort');
  await expect(checkout.locator('input[name="postcode"]')).toHaveValue('3811 AA');
  await expect(checkout.locator('input[name="create_account"]')).toHaveCount(0);
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  const token = page.url().match(ORDER_URL)![1];
  await expect(page.locator('.order-confirmation address')).toContainText('Langestraat 7');
  await expect(page.locator('.order-confirmation address')).toContainText('3811 AA Amersfoort');

  // "Mijn bestellingen" lists it; its detail page opens.
  await accountLink(page).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(orderHistory(page)).toHaveCount(1);
  const orderLink = orderHistory(page).first().getByRole('link');
  await expect(orderLink).toHaveAttribute('href', `/account/orders/${token}`);
  await expect(orderHistory(page).first()).toContainText('2 artikelen');
  await orderLink.click();
  await expect(page).toHaveURL(new RegExp(`/account/orders/${token}$`));
  await expect(page.locator('.order-token')).toHaveText(token);
  await expect(page.locator('tr.order-line')).toHaveCount(1);
  await expect(page.locator('tr.order-line', { hasText: ESPRESSO.name }).locator('td.qty')).toHaveText('2');
  // Also as a page of its own, rendered by the server.
  await visit(page, `/account/orders/${token}`);
  await expect(page.locator('.order-token')).toHaveText(token);

  // Export: a JSON download with the profile and the order with its lines.
  await visit(page, '/account');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download mijn gegevens' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.json$/);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as Export;
  expect(exported.format).toBe('winkel-customer-export/1');
  expect(exported.profile.email).toBe(account.email);
  expect(exported.profile.first_name).toBe(account.first_name);
  expect(exported.profile.city).toBe('Amersfoort');
  expect(exported.profile).not.toHaveProperty('password_hash');
  expect(JSON.stringify(exported)).not.toContain('pbkdf2');
  expect(exported.orders.map((o) => o.token)).toEqual([token]);
  expect(exported.orders[0].lines).toEqual([
    expect.objectContaining({
      product_name: ESPRESSO.name,
      quantity: 2,
      unit_price_cents: ESPRESSO.cents,
      line_total_cents: 2 * ESPRESSO.cents,
    }),
  ]);
  // The same document is an attachment for a direct request, too.
  const direct = await page.request.get('/account/export');
  expect(direct.status()).toBe(200);
  expect(direct.headers()['content-type']).toContain('application/json');
  expect(direct.headers()['content-disposition']).toMatch(/^attachment;.*\.json"?$/);

  // "Verwijder mijn account": a wrong password first.
  await page.getByRole('link', { name: 'Verwijder mijn account' }).click();
  await expect(page).toHaveURL(/\/account\/delete$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Verwijder mijn account');
  await waitForHydration(page);
  const remove = page.locator('form.delete-account');
  await remove.locator('input[name="password"]').fill('een verkeerd wachtwoord');
  await remove.getByRole('button', { name: 'Verwijder mijn account definitief' }).click();
  // Soft, so that a missing message does not hide what the rest of the flow does.
  await expect.soft(page.locator('#password-error')).toHaveText(MSG.wrongPassword);
  await expect.soft(page.locator('form.delete-account label.field')).toHaveClass(/\binvalid\b/);
  await expect(page).toHaveURL(/\/account\/delete$/);
  await expect(accountLink(page)).toHaveText(`Mijn account (${account.first_name})`);
  await visit(page, '/account');
  await expect(page.locator('p.greeting')).toContainText(account.email);

  // Then the right one.
  await visit(page, '/account/delete');
  await page.locator('form.delete-account input[name="password"]').fill(account.password);
  await page.getByRole('button', { name: 'Verwijder mijn account definitief' }).click();
  await expect(page).toHaveURL(/\/account\/deleted$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(MSG.deleted);
  await expect(accountLink(page)).toHaveText('Inloggen');

  // Logged out: her account pages and export are gone for this browser …
  await visit(page, `/account/orders/${token}`);
  await expect(page.getByText(MSG.pleaseLogIn)).toBeVisible();
  await expect(page.locator('.order-token')).toHaveCount(0);

  // … and the old credentials no longer work.
  await visit(page, '/login');
  await submitLogin(page, account.email, account.password);
  await expect(loginError(page)).toHaveText(LOGIN_FAILED);
  await expect(page).toHaveURL(/\/login$/);
  await expect(accountLink(page)).toHaveText('Inloggen');
});

// ---------------------------------------------------------------------------
// (2) A failed login says nothing about which part was wrong
// ---------------------------------------------------------------------------

test('a wrong password and an unknown email get the same message (JS)', async ({ page }) => {
  const account = newAccount(uniqueEmail('bram'), { first_name: 'Bram' });
  await register(page, account);

  await submitLogin(page, account.email, 'niet mijn wachtwoord');
  await expect(loginError(page)).toHaveText(LOGIN_FAILED);
  await expect(page).toHaveURL(/\/login/);
  await expect(accountLink(page)).toHaveText('Inloggen');

  await visit(page, '/login');
  await submitLogin(page, uniqueEmail('niemand'), account.password);
  await expect(loginError(page)).toHaveText(LOGIN_FAILED);
  await expect(page).toHaveURL(/\/login/);
  await expect(accountLink(page)).toHaveText('Inloggen');

  // Registering the same address again answers exactly like the first time.
  await register(page, { ...account, first_name: 'Indringer' });

  // The real owner still gets in, with the name she registered first.
  await visit(page, '/login');
  await submitLogin(page, account.email, account.password);
  await expect(page).toHaveURL(/\/account$/, { timeout: 15_000 });
  await expect(accountLink(page)).toHaveText('Mijn account (Bram)');
});

// ---------------------------------------------------------------------------
// (3) Without JavaScript every account form is a plain post
// ---------------------------------------------------------------------------

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('register, log in and see Mijn account', async ({ page }) => {
    const account = newAccount(uniqueEmail('cees'), { first_name: 'Cees', gender: 'm' });

    await page.goto('/');
    await expect(accountLink(page)).toHaveText('Inloggen');
    await accountLink(page).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByRole('link', { name: /Maak er een aan/ }).click();
    await expect(page).toHaveURL(/\/register$/);

    await register(page, account, { js: false });

    // A wrong password answers on the login page, after the redirect back.
    await submitLogin(page, account.email, 'niet mijn wachtwoord');
    await expect(page).toHaveURL(/\/login/);
    await expect(loginError(page)).toHaveText(LOGIN_FAILED);

    await logIn(page, account.email, account.password, { js: false });
    await expect(page.locator('p.greeting')).toHaveText(`Hallo Cees (${account.email})`);
    await expect(accountLink(page)).toHaveText('Mijn account (Cees)');
    await expect(page.locator('form.profile input[name="city"]')).toHaveValue(account.city);

    // Log out, also a plain post.
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await expect(accountLink(page)).toHaveText('Inloggen');
    await page.goto('/account');
    await expect(page.getByText(MSG.pleaseLogIn)).toBeVisible();
  });
});

// ---------------------------------------------------------------------------
// (4) Change the password
// ---------------------------------------------------------------------------

test('change the password, then only the new one works (JS)', async ({ page }) => {
  const account = newAccount(uniqueEmail('dirk'), { first_name: 'Dirk', gender: 'm' });
  const newPassword = 'twee paarden op de dijk';
  await register(page, account);
  await logIn(page, account.email, account.password);

  const form = page.locator('form.change-password');
  const current = form.locator('label.field', { has: page.locator('input[name="current_password"]') });

  // The current password is checked.
  await form.locator('input[name="current_password"]').fill('niet mijn wachtwoord');
  await form.locator('input[name="new_password"]').fill(newPassword);
  await form.getByRole('button', { name: 'Opslaan' }).click();
  await expect(current.locator('.field-error')).toHaveText(MSG.wrongPassword);
  await expect(current).toHaveClass(/\binvalid\b/);

  await form.locator('input[name="current_password"]').fill(account.password);
  await form.locator('input[name="new_password"]').fill(newPassword);
  await form.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.locator('section.account-password').getByRole('status')).toHaveText(MSG.passwordChanged);

  // Still logged in after the change; then log out.
  await visit(page, '/account');
  await expect(page.locator('p.greeting')).toContainText(account.email);
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await expect(accountLink(page)).toHaveText('Inloggen');

  // The old password is refused, the new one works.
  await visit(page, '/login');
  await submitLogin(page, account.email, account.password);
  await expect(loginError(page)).toHaveText(LOGIN_FAILED);
  await logIn(page, account.email, newPassword);
  await expect(accountLink(page)).toHaveText('Mijn account (Dirk)');
});

// ---------------------------------------------------------------------------
// (5) An account created at checkout
// ---------------------------------------------------------------------------

test('a guest creates an account at checkout and later finds the order (JS)', async ({ page }) => {
  const email = uniqueEmail('eva');
  await addToCart(page, THEEPOT.slug, 1, 1);
  await visit(page, '/checkout');
  await fillCheckout(page, { ...validCustomer, email, first_name: 'Eva', last_name: 'Bakker' });
  await page.locator('form.checkout input[name="create_account"]').check();
  await page.locator('form.checkout input[name="password"]').fill(ACCOUNT_PASSWORD);
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  const token = page.url().match(ORDER_URL)![1];
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bedankt voor je bestelling');
  // Ordering does not log in.
  await expect(accountLink(page)).toHaveText('Inloggen');

  await logIn(page, email, ACCOUNT_PASSWORD);
  await expect(accountLink(page)).toHaveText('Mijn account (Eva)');
  await expect(page.locator('p.greeting')).toHaveText(`Hallo Eva (${email})`);
  await expect(orderHistory(page)).toHaveCount(1);
  await expect(orderHistory(page).first().getByRole('link')).toHaveAttribute('href', `/account/orders/${token}`);
  // The checkout data became the profile.
  await expect(page.locator('form.profile input[name="city"]')).toHaveValue(validCustomer.city);
  await expect(page.locator('form.profile input[name="street"]')).toHaveValue(validCustomer.street);

  await orderHistory(page).first().getByRole('link').click();
  await expect(page.locator('.order-token')).toHaveText(token);
  await expect(page.locator('tr.order-line', { hasText: THEEPOT.name }).locator('td.qty')).toHaveText('1');
});

test('checkout refuses a weak password for the new account (JS)', async ({ page }) => {
  const email = uniqueEmail('fenna');
  await addToCart(page, ESPRESSO.slug, 1, 1);
  await visit(page, '/checkout');
  await fillCheckout(page, { ...validCustomer, email });
  await page.locator('form.checkout input[name="create_account"]').check();
  await page.locator('form.checkout input[name="password"]').fill('kort');
  await submitCheckout(page);
  await expect(page.locator('#password-error')).toHaveText('Kies een wachtwoord van minstens 8 tekens.');
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(cartCount(page)).toHaveText('1');
});

// ---------------------------------------------------------------------------
// (6) The account pages hydrate cleanly
// ---------------------------------------------------------------------------

test('the account pages hydrate without console errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || (msg.type() === 'warning' && /hydrat/i.test(msg.text()))) {
      problems.push(`${msg.type()} on ${page.url()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror on ${page.url()}: ${error.message}`));

  const account = newAccount(uniqueEmail('gijs'), { first_name: 'Gijs', gender: 'm' });
  for (const path of ['/login', '/register', '/account']) {
    await visit(page, path);
    await page.waitForLoadState('networkidle');
  }
  await expect(page.getByText(MSG.pleaseLogIn)).toBeVisible();
  await register(page, account);
  await logIn(page, account.email, account.password);
  for (const path of ['/account', '/account/delete']) {
    await visit(page, path);
    await page.waitForLoadState('networkidle');
  }
  await expect(page.locator('form.delete-account')).toBeVisible();
  expect(problems).toEqual([]);
});
