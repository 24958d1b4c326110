// The storefront in a real browser: browse, cart, guest checkout — with and
// without JavaScript. Every test gets its own browser context (Playwright's
// default), so no cart leaks from one test into another.
//
// The server is a freshly seeded demo shop (`winkel seed --demo`); see
// README.md. Prices and names below are those of the demo catalogue.
import { expect, test, type Page } from '@playwright/test';
import {
  cartCount,
  cartLine,
  checkoutField,
  dutchDate,
  euro,
  fieldMessage,
  fillCheckout,
  lineQuantity,
  markDocument,
  ORDER_URL,
  productCard,
  sameDocument,
  submitCheckout,
  validCustomer,
  visit,
  waitForHydration,
  watchConsole,
} from './support';

const ESPRESSO = { name: 'Espressobonen Amsterdam', slug: 'espressobonen-amsterdam', cents: 1295 };
const THEEPOT = { name: 'Theepot gietijzer', slug: 'theepot-gietijzer', cents: 3995 };
const MUNTTHEE = { name: 'Verse muntthee', slug: 'verse-muntthee' };

const FREE_SHIPPING_FROM = 5000;
const SHIPPING = 495;

const MSG = {
  email: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.',
  postcode: 'Vul een geldige postcode in (NL: 1234 AB, BE: 1000, DE: 10115, LU: L-1616).',
  pickupOnly: 'Betalen bij afhalen kan alleen als je de bestelling afhaalt.',
  checkFields: 'Controleer de gemarkeerde velden.',
  added: 'Toegevoegd aan je winkelwagen.',
  cartEmpty: 'Je winkelwagen is leeg.',
};

/** With JS: adds one of a product from its card on the catalogue page. */
async function addFromCatalogue(page: Page, name: string, expectedCount: number) {
  await productCard(page, name).getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText(String(expectedCount));
}

// ---------------------------------------------------------------------------
// (1) Browsing
// ---------------------------------------------------------------------------

test.describe('browsing the catalogue', () => {
  test('the home page lists the catalogue, filters by category and searches', async ({ page }) => {
    await visit(page, '/');
    const cards = page.locator('li.product-card');
    const total = await cards.count();
    expect(total).toBeGreaterThanOrEqual(24);
    await expect(productCard(page, ESPRESSO.name).locator('.price')).toHaveText(euro(ESPRESSO.cents));
    await expect(cartCount(page)).toHaveText('0');

    // Category filter: only coffee & tea remain.
    await page.locator('a[href="/?category=koffie-thee"]').first().click();
    await expect(page).toHaveURL(/\/\?category=koffie-thee$/);
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Koffie & thee');
    await expect(productCard(page, THEEPOT.name)).toHaveCount(0);
    await expect(productCard(page, ESPRESSO.name)).toHaveCount(1);
    const inCategory = await cards.count();
    expect(inCategory).toBeGreaterThan(0);
    expect(inCategory).toBeLessThan(total);

    // Back to everything, then search.
    await page.locator('nav.categories').getByRole('link', { name: 'Alles' }).click();
    await expect(cards).toHaveCount(total);
    const search = page.locator('form.search input[name="q"]');
    await search.fill('Espresso');
    await page.locator('form.search').getByRole('button', { name: 'Zoeken' }).click();
    await expect(page).toHaveURL(/[?&]q=Espresso/);
    await expect(productCard(page, ESPRESSO.name)).toHaveCount(1);
    await expect(productCard(page, THEEPOT.name)).toHaveCount(0);
    expect(await cards.count()).toBeLessThan(total);
    await expect(search).toHaveValue('Espresso');

    // A search that finds nothing says so.
    await search.fill('xyzzy-bestaat-niet');
    await page.locator('form.search').getByRole('button', { name: 'Zoeken' }).click();
    await expect(page.getByText('Geen artikelen gevonden.')).toBeVisible();
    await expect(cards).toHaveCount(0);
  });

  test('a product page shows the product and its price', async ({ page }) => {
    await visit(page, '/');
    await productCard(page, ESPRESSO.name).getByRole('link').first().click();
    await expect(page).toHaveURL(new RegExp(`/products/${ESPRESSO.slug}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ESPRESSO.name);
    await expect(page.locator('article.product .price')).toContainText(euro(ESPRESSO.cents));
    await expect(page.locator('article.product .price')).toContainText('incl. btw');
    await expect(page.locator('article.product .stock')).toHaveText('Op voorraad');
    await expect(page.locator('article.product input[name="quantity"]')).toHaveValue('1');
    await expect(page).toHaveTitle(new RegExp(ESPRESSO.name));

    // Loaded directly, too.
    await visit(page, `/products/${THEEPOT.slug}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(THEEPOT.name);
    await expect(page.locator('article.product .price')).toContainText(euro(THEEPOT.cents));
  });

  test('an unknown product answers 404', async ({ page }) => {
    const response = await page.goto('/products/bestaat-niet');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });

  test('the catalogue is rendered on the server', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);

    const response = await request.get('/');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<html lang="nl"');
    for (const name of [ESPRESSO.name, THEEPOT.name, MUNTTHEE.name]) {
      expect(html).toContain(name);
    }
    expect(html).toContain(euro(ESPRESSO.cents));
    expect(html.match(/<li class="product-card"/g)?.length ?? 0).toBeGreaterThanOrEqual(24);
    expect(html).toContain(`href="/products/${ESPRESSO.slug}"`);
  });
});

// ---------------------------------------------------------------------------
// (2) The whole purchase with JavaScript
// ---------------------------------------------------------------------------

test('add two products, change a quantity and check out as a guest (JS)', async ({ page }) => {
  await visit(page, '/');
  await expect(cartCount(page)).toHaveText('0');
  await markDocument(page);

  // One teapot from its card on the catalogue page.
  await addFromCatalogue(page, THEEPOT.name, 1);
  await expect(page.getByRole('status')).toHaveText(MSG.added);

  expect(await sameDocument(page), 'adding to the cart must not reload the page').toBe(true);

  // Two bags of espresso beans from the product page (a link is a page
  // load: the storefront is server pages with islands).
  await productCard(page, ESPRESSO.name).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ESPRESSO.name);
  await waitForHydration(page);
  await markDocument(page);
  await page.locator('form.add-to-cart input[name="quantity"]').fill('2');
  await page.getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText('3');
  expect(await sameDocument(page), 'adding to the cart must not reload the page').toBe(true);

  // The cart shows both lines; three bags instead of two.
  await page.locator('header a.cart-link').click();
  await expect(page).toHaveURL(/\/cart$/);
  await waitForHydration(page);
  await markDocument(page);
  await expect(page.locator('tr.cart-line')).toHaveCount(2);
  const espressoLine = cartLine(page, ESPRESSO.slug);
  await expect(lineQuantity(espressoLine)).toHaveValue('2');
  await expect(lineQuantity(cartLine(page, THEEPOT.slug))).toHaveValue('1');
  await expect(page.locator('.cart-subtotal')).toHaveText(euro(2 * ESPRESSO.cents + THEEPOT.cents));

  await lineQuantity(espressoLine).fill('3');
  await espressoLine.getByRole('button', { name: 'Bijwerken' }).click();
  const subtotal = 3 * ESPRESSO.cents + THEEPOT.cents;
  await expect(cartCount(page)).toHaveText('4');
  await expect(page.locator('.cart-subtotal')).toHaveText(euro(subtotal));
  await expect(espressoLine.locator('.line-total')).toHaveText(euro(3 * ESPRESSO.cents));
  await expect(lineQuantity(espressoLine)).toHaveValue('3');
  expect(await sameDocument(page), 'updating the cart must not reload the page').toBe(true);

  // Guest checkout.
  await page.getByRole('link', { name: 'Afrekenen' }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await waitForHydration(page);
  await expect(page.locator('.checkout-subtotal')).toHaveText(euro(subtotal));
  const earliest = await page.locator('input[name="delivery_date"]').getAttribute('min');
  expect(earliest, 'the delivery date input has a minimum').toMatch(/^\d{4}-\d{2}-\d{2}$/);
  // The day after the earliest: still allowed if the shop's midnight
  // passes while the form is filled in (the earliest is then today).
  const wish = new Date(`${earliest}T12:00:00Z`);
  wish.setUTCDate(wish.getUTCDate() + 1);
  const deliveryDate = wish.toISOString().slice(0, 10);
  await fillCheckout(page, { ...validCustomer, delivery_date: deliveryDate, newsletter: true });
  await submitCheckout(page);

  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  const token = page.url().match(ORDER_URL)![1];
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bedankt voor je bestelling');
  await expect(page.locator('.order-token')).toHaveText(token);
  await expect(page.locator('tr.order-line')).toHaveCount(2);
  await expect(page.locator('tr.order-line', { hasText: ESPRESSO.name }).locator('td.qty')).toHaveText('3');
  await expect(page.locator('tr.order-line', { hasText: THEEPOT.name }).locator('td.qty')).toHaveText('1');
  const shipping = subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
  await expect(page.locator('.order-total')).toHaveText(euro(subtotal + shipping));
  await expect(page.locator('.order-confirmation')).toContainText(dutchDate(deliveryDate));
  await expect(page.locator('.order-confirmation')).toContainText('Bankoverschrijving');
  await expect(page.locator('.order-confirmation address')).toContainText('Keizersgracht 123');
  await expect(page.locator('.order-confirmation address')).toContainText('1015 CJ Amsterdam');
  await expect(cartCount(page)).toHaveText('0');

  // The confirmation is a real page: it survives a reload, rendered by the server.
  await visit(page, `/orders/${token}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bedankt voor je bestelling');
  await expect(page.locator('tr.order-line')).toHaveCount(2);
  await expect(cartCount(page)).toHaveText('0');
  await visit(page, '/cart');
  await expect(page.getByText(MSG.cartEmpty)).toBeVisible();
});

test('removing a line empties the cart (JS)', async ({ page }) => {
  await visit(page, '/');
  await addFromCatalogue(page, ESPRESSO.name, 1);
  await visit(page, '/cart');
  await expect(cartLine(page, ESPRESSO.slug)).toBeVisible();
  await cartLine(page, ESPRESSO.slug).getByRole('button', { name: 'Verwijderen' }).click();
  await expect(cartCount(page)).toHaveText('0');
  await expect(page.getByText(MSG.cartEmpty)).toBeVisible();
});

// ---------------------------------------------------------------------------
// (3) Validation with JavaScript
// ---------------------------------------------------------------------------

test('bad checkout input shows messages next to the fields and places no order (JS)', async ({ page }) => {
  await visit(page, '/');
  await addFromCatalogue(page, ESPRESSO.name, 1);
  await visit(page, '/checkout');
  await markDocument(page);

  await fillCheckout(page, { ...validCustomer, email: 'jan@@example', postcode: '12345' });
  await submitCheckout(page);

  await expect(page.locator('.error[role="alert"]')).toHaveText(MSG.checkFields);
  await expect(fieldMessage(page, 'email')).toHaveText(MSG.email);
  await expect(fieldMessage(page, 'postcode')).toHaveText(MSG.postcode);
  // Next to their own fields, which are marked invalid …
  await expect(checkoutField(page, 'email').locator('.field-error')).toHaveText(MSG.email);
  await expect(checkoutField(page, 'postcode').locator('.field-error')).toHaveText(MSG.postcode);
  await expect(checkoutField(page, 'email')).toHaveClass(/\binvalid\b/);
  await expect(page.locator('input[name="email"]')).toHaveAttribute('aria-describedby', 'email-error');
  // … and nowhere else.
  for (const ok of ['first_name', 'last_name', 'street', 'house_number', 'city', 'phone']) {
    await expect(fieldMessage(page, ok)).toHaveText('');
  }
  // No navigation, what was typed is still there, nothing was ordered.
  await expect(page).toHaveURL(/\/checkout$/);
  expect(await sameDocument(page)).toBe(true);
  await expect(page.locator('input[name="email"]')).toHaveValue('jan@@example');
  await expect(page.locator('input[name="first_name"]')).toHaveValue(validCustomer.first_name);
  await expect(cartCount(page)).toHaveText('1');

  // Corrected, the same form goes through.
  await page.locator('input[name="email"]').fill(validCustomer.email);
  await page.locator('input[name="postcode"]').fill(validCustomer.postcode);
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  await expect(page.locator('tr.order-line', { hasText: ESPRESSO.name }).locator('td.qty')).toHaveText('1');
  await expect(cartCount(page)).toHaveText('0');
});

test('a field message appears as soon as a bad field is left (JS)', async ({ page }) => {
  await visit(page, '/');
  await addFromCatalogue(page, ESPRESSO.name, 1);
  await visit(page, '/checkout');
  // Wrong for every country we deliver to (12345 would be a German postcode).
  await page.locator('input[name="postcode"]').fill('123');
  await page.locator('input[name="city"]').focus();
  await expect(fieldMessage(page, 'postcode')).toHaveText(MSG.postcode);
  await page.locator('input[name="postcode"]').fill('1015 CJ');
  await page.locator('input[name="city"]').focus();
  await expect(fieldMessage(page, 'postcode')).toHaveText('');
});

test('pay on pickup is refused with shipping (JS)', async ({ page }) => {
  await visit(page, '/');
  await addFromCatalogue(page, ESPRESSO.name, 1);
  await visit(page, '/checkout');
  await fillCheckout(page, { ...validCustomer, delivery_method: 'shipping', payment_method: 'pay_on_pickup' });
  await submitCheckout(page);
  await expect(fieldMessage(page, 'payment_method')).toHaveText(MSG.pickupOnly);
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(cartCount(page)).toHaveText('1');

  // Collecting it in the shop instead is fine.
  await page.locator('input[name="delivery_method"][value="pickup"]').check();
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  await expect(page.locator('.order-confirmation')).toContainText('Betalen bij afhalen');
  // Picked up: no shipping costs.
  await expect(page.locator('.order-total')).toHaveText(euro(ESPRESSO.cents));
});

// ---------------------------------------------------------------------------
// (4) Without JavaScript: every form is a plain post
// ---------------------------------------------------------------------------

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('add to cart, change a quantity and check out', async ({ page }) => {
    await page.goto(`/products/${THEEPOT.slug}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(THEEPOT.name);
    await page.locator('form.add-to-cart input[name="quantity"]').fill('2');
    await page.getByRole('button', { name: 'In winkelwagen' }).click();
    // The post answers with a redirect back to the product page (server_fn
    // leaves an empty query string: `…/theepot-gietijzer?`).
    await expect(page).toHaveURL(new RegExp(`/products/${THEEPOT.slug}\\??$`));
    await expect(cartCount(page)).toHaveText('2');

    await page.goto('/');
    await productCard(page, ESPRESSO.name).getByRole('button', { name: 'In winkelwagen' }).click();
    await expect(page).toHaveURL(/\/\??$/);
    await expect(cartCount(page)).toHaveText('3');

    await page.goto('/cart');
    await expect(page.locator('tr.cart-line')).toHaveCount(2);
    const teapot = cartLine(page, THEEPOT.slug);
    await expect(lineQuantity(teapot)).toHaveValue('2');
    await lineQuantity(teapot).fill('1');
    await teapot.getByRole('button', { name: 'Bijwerken' }).click();
    await expect(page).toHaveURL(/\/cart\??$/);
    await expect(lineQuantity(teapot)).toHaveValue('1');
    await expect(cartCount(page)).toHaveText('2');
    const subtotal = THEEPOT.cents + ESPRESSO.cents;
    await expect(page.locator('.cart-subtotal')).toHaveText(euro(subtotal));

    await page.getByRole('link', { name: 'Afrekenen' }).click();
    await expect(page).toHaveURL(/\/checkout$/);
    await fillCheckout(page, validCustomer);
    await submitCheckout(page);

    await expect(page).toHaveURL(ORDER_URL);
    const token = page.url().match(ORDER_URL)![1];
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bedankt voor je bestelling');
    await expect(page.locator('.order-token')).toHaveText(token);
    await expect(page.locator('tr.order-line')).toHaveCount(2);
    await expect(page.locator('tr.order-line', { hasText: THEEPOT.name }).locator('td.qty')).toHaveText('1');
    await expect(page.locator('tr.order-line', { hasText: ESPRESSO.name }).locator('td.qty')).toHaveText('1');
    const shipping = subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
    await expect(page.locator('.order-total')).toHaveText(euro(subtotal + shipping));
    await expect(cartCount(page)).toHaveText('0');
  });

  test('bad input shows the error after the redirect back', async ({ page }) => {
    await page.goto(`/products/${ESPRESSO.slug}`);
    await page.getByRole('button', { name: 'In winkelwagen' }).click();
    await expect(cartCount(page)).toHaveText('1');

    await page.goto('/checkout');
    await fillCheckout(page, { ...validCustomer, email: 'jan@@example', postcode: '12345' });
    await submitCheckout(page);

    await expect(page).toHaveURL(/\/checkout(\?.*)?$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Afrekenen');
    await expect(page.locator('.error[role="alert"]')).toHaveText(MSG.checkFields);
    await expect(fieldMessage(page, 'email')).toHaveText(MSG.email);
    await expect(fieldMessage(page, 'postcode')).toHaveText(MSG.postcode);
    await expect(fieldMessage(page, 'city')).toHaveText('');
    // Nothing was ordered: the cart is untouched.
    await expect(cartCount(page)).toHaveText('1');
  });
});

// ---------------------------------------------------------------------------
// (5) Hydration without console errors
// ---------------------------------------------------------------------------

test('pages hydrate without console errors', async ({ page }) => {
  const problems = watchConsole(page);

  // Each page is left only once its network is quiet, so that late errors
  // (a failed image, the favicon, a panic in an effect) land on it.
  const visitAndSettle = async (path: string) => {
    await visit(page, path);
    await page.waitForLoadState('networkidle');
  };
  await visitAndSettle('/');
  await visitAndSettle('/?category=keuken');
  await visitAndSettle(`/products/${ESPRESSO.slug}`);
  // Live after hydration: the add-to-cart button works without a reload.
  await page.getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText('1');
  // With something in the cart, cart and checkout render their full forms.
  await visitAndSettle('/cart');
  await expect(cartLine(page, ESPRESSO.slug)).toBeVisible();
  await visitAndSettle('/checkout');
  await expect(page.locator('form.checkout')).toBeVisible();
  await visitAndSettle(`/products/${MUNTTHEE.slug}`);

  // Chromium asks every site for its icon and logs a console error when that
  // fails — but only once per browser, so whether the listener above sees it
  // depends on test order. Ask for it directly instead.
  const iconLink = page.locator('link[rel~="icon"]');
  const icon = ((await iconLink.count()) > 0 ? await iconLink.first().getAttribute('href') : null) ?? '/favicon.ico';
  const iconResponse = await page.request.get(icon);
  if (!iconResponse.ok()) {
    problems.push(`the site icon ${icon} answers ${iconResponse.status()} (the browser logs this as a console error)`);
  }

  expect(problems).toEqual([]);
});

// ---------------------------------------------------------------------------
// (6) Sold out
// ---------------------------------------------------------------------------

test('a sold-out product cannot be added to the cart', async ({ page }) => {
  await visit(page, '/');
  const card = productCard(page, MUNTTHEE.name);
  await expect(card.getByRole('button', { name: 'Uitverkocht' })).toBeDisabled();

  await visit(page, `/products/${MUNTTHEE.slug}`);
  await expect(page.locator('article.product .stock')).toHaveText('Uitverkocht');
  const button = page.locator('form.add-to-cart button[type="submit"]');
  await expect(button).toHaveText('Uitverkocht');
  await expect(button).toBeDisabled();

  // Nor by posting the form by hand: the server refuses it too.
  const productId = await page.locator('form.add-to-cart input[name="product_id"]').inputValue();
  const action = await page.locator('form.add-to-cart').getAttribute('action');
  expect(action).toBeTruthy();
  const response = await page.request.post(action!, {
    form: { product_id: productId, quantity: '1' },
    maxRedirects: 0,
  });
  expect(response.status()).toBeGreaterThanOrEqual(400);
  await visit(page, '/cart');
  await expect(page.getByText(MSG.cartEmpty)).toBeVisible();
  await expect(cartCount(page)).toHaveText('0');
});
