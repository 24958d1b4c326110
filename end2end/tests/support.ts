// Shared helpers for the shop's browser tests: one place for the hydration
// wait, the checkout data and the few selectors every test needs.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type ConsoleMessage, type Locator, type Page } from '@playwright/test';

/**
 * Waits until the Leptos app in the page has hydrated.
 *
 * Contract with the app (`hydrate_islands` in `app/src/lib.rs`): once the
 * page's islands have hydrated (a lazy island — the CMS, an account page —
 * once its chunk has arrived), `data-hydrated="true"` is set on <body>.
 * Before that an ActionForm submit is a plain form post, so every JS test
 * waits for this before it touches a page — after every link it follows
 * too: outside the CMS each link is a page load. A debug build's wasm is
 * several MB, hence the generous timeout.
 */
export async function waitForHydration(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.body?.dataset.hydrated === 'true', undefined, {
    timeout,
  });
}

/**
 * Waits until the public form's start time (the AVG-19 honeypot of
 * `FormGuard` in app/src/forms.rs) is old enough for the server to take
 * the form for a person's: it refuses forms sent within 2 s of handing them
 * out. A person never notices; Playwright fills a form in milliseconds.
 */
export async function waitForFormGuard(form: Locator): Promise<void> {
  const token = await form.locator('input[name="form_started"]').getAttribute('value');
  const issued = Number(token?.split('.')[0]);
  expect(issued, 'the form carries its signed start time').toBeGreaterThan(0);
  const wait = issued + 2_200 - Date.now();
  if (wait > 0) await form.page().waitForTimeout(wait);
}

/**
 * Collects what a visitor's browser would show a developer as broken: console
 * errors, hydration warnings, uncaught errors (a panic in the wasm) and failed
 * requests, each with the page it happened on. Assert `toEqual([])` at the end.
 *
 * Not a problem: the browser dropping a download of the app's own code
 * (`/pkg/…`, net::ERR_ABORTED) because the page was left before it woke its
 * islands. The loader fetches after the page's `load`, so a test that goes
 * on as soon as a page shows (CI, stop 34: from `/login?registered=1`
 * straight to `/login`) left while a lazy island's chunks were on the way.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    const text = msg.text();
    if (msg.type() === 'error' || (msg.type() === 'warning' && /hydrat/i.test(text))) {
      const source = msg.location().url;
      problems.push(`${msg.type()} on ${page.url()}: ${text}${source ? ` (${source})` : ''}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror on ${page.url()}: ${error.message}`));
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText;
    const left =
      error === 'net::ERR_ABORTED' &&
      request.method() === 'GET' &&
      new URL(request.url()).pathname.startsWith('/pkg/');
    if (!left) problems.push(`request failed on ${page.url()}: ${request.url()} ${error}`);
  });
  return problems;
}

/** Full page load of `path`, then wait for hydration. */
export async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), `GET ${path}`).toBeLessThan(400);
  await waitForHydration(page);
}

/**
 * Marks the current document so that a test can tell later whether the
 * browser loaded a new one (a full reload or plain form post) or stayed in
 * the single-page app.
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __winkelE2E?: boolean }).__winkelE2E = true;
  });
}

export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __winkelE2E?: boolean }).__winkelE2E === true);
}

/** The item count in the header's cart link. */
export function cartCount(page: Page): Locator {
  return page.getByTestId('cart-count');
}

/** The product card on the catalogue page with this product name. */
export function productCard(page: Page, name: string): Locator {
  return page.locator('li.product-card').filter({
    has: page.getByRole('heading', { name, exact: true }),
  });
}

/** The cart table row of the product with this slug. */
export function cartLine(page: Page, slug: string): Locator {
  return page.locator(`tr.cart-line[data-product="${slug}"]`);
}

/** The `<label class="field">` that holds the checkout input `name`. */
export function checkoutField(page: Page, name: string): Locator {
  return page.locator('form.checkout label').filter({ has: page.locator(`[name="${name}"]`) });
}

/** The message shown next to checkout field `name`. */
export function fieldMessage(page: Page, name: string): Locator {
  return page.locator(`span#${name}-error`);
}

export type CheckoutData = {
  email: string;
  first_name: string;
  last_name: string;
  gender: '' | 'f' | 'm' | 'x';
  street: string;
  house_number: string;
  postcode: string;
  city: string;
  country: 'NL' | 'BE';
  phone: string;
  company_name: string;
  vat_number: string;
  newsletter: boolean;
  delivery_method: 'shipping' | 'pickup';
  payment_method: 'bank_transfer' | 'pay_on_pickup';
  /** yyyy-mm-dd, or '' for "as soon as possible" */
  delivery_date: string;
};

export const validCustomer: CheckoutData = {
  email: 'jan.jansen@example.nl',
  first_name: 'Jan',
  last_name: 'Jansen',
  gender: 'm',
  street: 'Keizersgracht',
  house_number: '123',
  postcode: '1015 CJ',
  city: 'Amsterdam',
  country: 'NL',
  phone: '06-12345678',
  company_name: '',
  vat_number: '',
  newsletter: false,
  delivery_method: 'shipping',
  payment_method: 'bank_transfer',
  delivery_date: '',
};

/** Fills the checkout form the way a customer would (works with and without JS). */
export async function fillCheckout(page: Page, data: CheckoutData): Promise<void> {
  const form = page.locator('form.checkout');
  await expect(form).toBeVisible();
  await form.locator('[name="email"]').fill(data.email);
  await form.locator('select[name="gender"]').selectOption(data.gender);
  await form.locator('[name="first_name"]').fill(data.first_name);
  await form.locator('[name="last_name"]').fill(data.last_name);
  await form.locator('[name="phone"]').fill(data.phone);
  await form.locator('[name="company_name"]').fill(data.company_name);
  await form.locator('[name="vat_number"]').fill(data.vat_number);
  await form.locator('[name="street"]').fill(data.street);
  await form.locator('[name="house_number"]').fill(data.house_number);
  await form.locator('[name="postcode"]').fill(data.postcode);
  await form.locator('[name="city"]').fill(data.city);
  await form.locator('select[name="country"]').selectOption(data.country);
  await form.locator(`input[name="delivery_method"][value="${data.delivery_method}"]`).check();
  await form.locator('input[name="delivery_date"]').fill(data.delivery_date);
  await form.locator(`input[name="payment_method"][value="${data.payment_method}"]`).check();
  await form.locator('input[name="newsletter"]').setChecked(data.newsletter);
}

export async function submitCheckout(page: Page): Promise<void> {
  await waitForFormGuard(page.locator('form.checkout'));
  await page.getByRole('button', { name: 'Bestelling plaatsen' }).click();
}

/** An order confirmation URL: /orders/ and a 32-hex-digit token. */
export const ORDER_URL = /\/orders\/([0-9a-f]{32})$/;

/** Formats cents the way the shop shows prices: `€ 1.234,56`. */
export function euro(cents: number): string {
  const euros = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `€ ${euros},${String(cents % 100).padStart(2, '0')}`;
}

const DUTCH_MONTHS = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni',
  'juli', 'augustus', 'september', 'oktober', 'november', 'december',
];

/** yyyy-mm-dd → `14 maart 2027`, as the Dutch confirmation page shows dates. */
export function dutchDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${DUTCH_MONTHS[m - 1]} ${y}`;
}

/** The quantity input of a cart line's "Bijwerken" form. */
export function lineQuantity(line: Locator): Locator {
  return line.locator('form.update-line input[name="quantity"]');
}

// ---------------------------------------------------------------------------
// Customer accounts (account.spec.ts)
// ---------------------------------------------------------------------------

/** A password that passes the policy (8–128 characters, not common, no email). */
export const ACCOUNT_PASSWORD = 'vier koeien in de wei';

/**
 * An email address no other test (or earlier run against the same database)
 * uses: `prefix.<time><random>@example.nl`.
 */
export function uniqueEmail(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return `${prefix}.${suffix}@example.nl`;
}

export type AccountData = {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  gender: '' | 'f' | 'm' | 'x';
  phone: string;
  street: string;
  house_number: string;
  postcode: string;
  city: string;
  country: 'NL' | 'BE';
  newsletter: boolean;
};

/** A valid registration for `email` (by default the shared test password). */
export function newAccount(email: string, overrides: Partial<AccountData> = {}): AccountData {
  return {
    email,
    password: ACCOUNT_PASSWORD,
    first_name: 'Anna',
    last_name: 'de Vries',
    gender: 'f',
    phone: '06-87654321',
    street: 'Oudegracht',
    house_number: '42',
    postcode: '3511 AB',
    city: 'Utrecht',
    country: 'NL',
    newsletter: false,
    ...overrides,
  };
}

/** The header's account link: "Inloggen", or "Mijn account (Voornaam)". */
export function accountLink(page: Page): Locator {
  return page.locator('header a.account-link');
}

/** Fills `/register` (works with and without JS); does not submit. */
export async function fillRegistration(page: Page, data: AccountData): Promise<void> {
  const form = page.locator('form.register');
  await expect(form).toBeVisible();
  await form.locator('[name="email"]').fill(data.email);
  await form.locator('select[name="gender"]').selectOption(data.gender);
  await form.locator('[name="first_name"]').fill(data.first_name);
  await form.locator('[name="last_name"]').fill(data.last_name);
  await form.locator('[name="phone"]').fill(data.phone);
  await form.locator('[name="street"]').fill(data.street);
  await form.locator('[name="house_number"]').fill(data.house_number);
  await form.locator('[name="postcode"]').fill(data.postcode);
  await form.locator('[name="city"]').fill(data.city);
  await form.locator('select[name="country"]').selectOption(data.country);
  await form.locator('input[name="newsletter"]').setChecked(data.newsletter);
  await form.locator('input[name="password"]').fill(data.password);
}

/**
 * Registers through `/register` and waits for the login page that
 * follows. With `js` the page is first hydrated, so the form is submitted by
 * the app; without, it is a plain form post.
 */
export async function register(page: Page, data: AccountData, { js = true } = {}): Promise<void> {
  if (js) await visit(page, '/register');
  else await page.goto('/register');
  await fillRegistration(page, data);
  await waitForFormGuard(page.locator('form.register'));
  await page.getByRole('button', { name: 'Account aanmaken' }).click();
  await expect(page).toHaveURL(/\/login\?registered=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toContainText('Je kunt nu inloggen');
}

/** Fills and submits the form on the login page that is open now. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  const form = page.locator('form.login');
  await expect(form).toBeVisible();
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Inloggen' }).click();
}

/** Opens the login page (hydrated with `js`) and logs in; expects success. */
export async function logIn(page: Page, email: string, password: string, { js = true } = {}): Promise<void> {
  if (js) await visit(page, '/login');
  else await page.goto('/login');
  await submitLogin(page, email, password);
  await expect(page).toHaveURL(/\/account$/, { timeout: 15_000 });
  await expect(page.locator('p.greeting')).toContainText(`(${email})`);
  // The account page is a new document (a page load after the login).
  if (js) await waitForHydration(page);
}

/** The generic answer to a failed login (unknown email and wrong password alike). */
export const LOGIN_FAILED = 'E-mailadres of wachtwoord klopt niet.';

/** The form-level error on the login page. */
export function loginError(page: Page): Locator {
  return page.locator('p.error[role="alert"]');
}

// ---------------------------------------------------------------------------
// The CMS (cms.spec.ts)
// ---------------------------------------------------------------------------

/**
 * The owner's CMS login. The test command creates this account before the
 * suite runs (`winkel admin create --email … --password-stdin`).
 */
export const OWNER = {
  email: process.env.WINKEL_E2E_OWNER_EMAIL ?? 'owner@example.nl',
  password: process.env.WINKEL_E2E_OWNER_PASSWORD ?? 'de winkel gaat om negen open',
};

/** A first password the owner hands out: passes the staff policy (AVG-11). */
export const STAFF_FIRST_PASSWORD = 'tijdelijk wachtwoord voor de balie';

/** What the CMS shows when a member lacks the right for a screen. */
export const CMS_FORBIDDEN = 'Je hebt geen toegang tot deze functie.';

/** The CMS navigation bar (only rendered for a logged-in member). */
export function cmsNav(page: Page): Locator {
  return page.locator('nav.cms-nav');
}

/**
 * Opens `/cms/login` (hydrated with `js`) and submits the CMS login form.
 * Does not check where it lands: a new member gets the password screen.
 */
export async function cmsLogIn(page: Page, email: string, password: string, { js = true } = {}): Promise<void> {
  if (js) await visit(page, '/cms/login');
  else await page.goto('/cms/login');
  const form = page.locator('form.cms-login-form');
  await expect(form).toBeVisible();
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Inloggen' }).click();
}

/** Logs the owner into the CMS and waits for the dashboard. */
export async function cmsLogInAsOwner(page: Page): Promise<void> {
  await cmsLogIn(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/cms$/, { timeout: 15_000 });
  await expect(cmsNav(page)).toContainText(OWNER.email);
}

/**
 * With JS: buys `quantity` of the product `slug` as a guest through the
 * product page and the checkout; returns the order's token.
 */
export async function placeGuestOrder(
  page: Page,
  slug: string,
  customer: CheckoutData,
  quantity = 1,
): Promise<string> {
  await visit(page, `/products/${slug}`);
  await page.locator('form.add-to-cart input[name="quantity"]').fill(String(quantity));
  await page.locator('form.add-to-cart').getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).not.toHaveText('0');
  await visit(page, '/checkout');
  await fillCheckout(page, customer);
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  return page.url().match(ORDER_URL)![1];
}

// ---------------------------------------------------------------------------
// Mail (contact.spec.ts, english.spec.ts): the server writes .eml files to
// WINKEL_MAIL_DIR
// ---------------------------------------------------------------------------

const MAIL_DIR = process.env.WINKEL_MAIL_DIR;

/** The mail to `to` whose text contains `marker`, once the server wrote it. */
export async function mailTo(to: string, marker: string): Promise<string> {
  expect(MAIL_DIR, 'WINKEL_MAIL_DIR must name the e2e server\'s mail folder').toBeTruthy();
  let found: string | undefined;
  await expect
    .poll(
      async () => {
        const names = await readdir(MAIL_DIR!).catch(() => [] as string[]);
        for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
          const text = await readFile(join(MAIL_DIR!, name), 'utf8');
          if (text.includes(`To: ${to}`) && text.includes(marker)) found = text;
        }
        return found !== undefined;
      },
      { timeout: 15_000, message: `a mail to ${to} with ${marker}` },
    )
    .toBe(true);
  return found!;
}

/** The path and query of the first link in `mail` starting with `prefix`. */
export function linkIn(mail: string, prefix: string): string {
  const match = mail.match(new RegExp(`https?://[^\\s>]*${prefix.replace(/[?]/g, '\\?')}[^\\s>]*`));
  expect(match, `a ${prefix} link in the mail`).not.toBeNull();
  const url = new URL(match![0]);
  return url.pathname + url.search;
}
