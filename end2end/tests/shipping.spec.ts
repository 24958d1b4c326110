// Shipping rates set in the CMS (issue 20, item 3): the owner changes the
// NL rate on /cms/shipping; a customer's checkout shows the new cost before
// the order is placed and updates it (with JavaScript) when the delivery
// method or the country changes; without JavaScript every zone's rate is
// listed. The terms and the 14-day right of withdrawal are linked at
// checkout. The NL rate is put back at the end: the other specs expect
// € 4,95, free from € 50.
import { expect, test, type Page } from '@playwright/test';
import { cartCount, cmsLogInAsOwner, euro, fillCheckout, submitCheckout, validCustomer, visit } from './support';

const KAASSCHAAF = { slug: 'kaasschaaf-klassiek', price: 1495 };

/** Saves the NL zone on the CMS screen (JS on). */
async function setNlRate(page: Page, rate: string, freeFrom: string) {
  await visit(page, '/cms/shipping');
  const zone = page.locator('section.zone-nl');
  await zone.locator('input[name="rate"]').fill(rate);
  await zone.locator('input[name="free_from"]').fill(freeFrom);
  await zone.getByRole('button', { name: 'Opslaan' }).click();
  await expect(zone.locator('.notice')).toHaveText('Opgeslagen.');
}

async function oneInCart(page: Page) {
  await visit(page, `/products/${KAASSCHAAF.slug}`);
  await page.locator('form.add-to-cart input[name="quantity"]').fill('1');
  await page.locator('form.add-to-cart').getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).not.toHaveText('0');
}

test('the owner changes the NL rate and the checkout shows the new cost', async ({ browser, page }) => {
  await cmsLogInAsOwner(page);
  try {
    await setNlRate(page, '5,95', '');

    const shopper = await (await browser.newContext()).newPage();
    await oneInCart(shopper);
    await visit(shopper, '/checkout');
    const shipping = shopper.locator('.checkout-shipping');
    const total = shopper.locator('.checkout-total');
    await expect(shipping).toHaveText(euro(595));
    await expect(total).toHaveText(euro(KAASSCHAAF.price + 595));
    await expect(shopper.locator('details.shipping-rates')).toContainText('Nederland: € 5,95');
    await expect(shopper.locator('.terms-notice a[href="/voorwaarden"]')).toBeVisible();
    await expect(shopper.locator('.withdrawal-notice')).toContainText('14 dagen bedenktijd');

    // With JavaScript the cost follows the choices.
    await shopper.locator('input[name="delivery_method"][value="pickup"]').check();
    await expect(shipping).toHaveText('gratis');
    await expect(total).toHaveText(euro(KAASSCHAAF.price));
    await shopper.locator('input[name="delivery_method"][value="shipping"]').check();
    await shopper.locator('select[name="country"]').selectOption('BE');
    await expect(shipping).toHaveText(euro(495));
    await shopper.locator('select[name="country"]').selectOption('DE');
    await expect(shipping).toHaveText('Naar dit land verzenden wij niet');

    // Ordered to DE: refused on the country field, with the reason.
    await fillCheckout(shopper, { ...validCustomer, country: 'DE', postcode: '10115', city: 'Berlin' });
    await submitCheckout(shopper);
    await expect(shopper.locator('.checkout')).toContainText('Naar dit land verzenden wij niet; kies een ander land');
  } finally {
    await setNlRate(page, '4,95', '50,00');
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the checkout lists the rate of every zone and links the terms', async ({ page }) => {
    await page.goto(`/products/${KAASSCHAAF.slug}`);
    await page.locator('form.add-to-cart').getByRole('button', { name: 'In winkelwagen' }).click();
    await page.goto('/checkout');
    await expect(page.locator('.checkout-shipping')).toHaveText(euro(495));
    await expect(page.locator('details.shipping-rates li')).toHaveText([
      'Nederland: € 4,95, gratis vanaf € 50,00',
      'België: € 4,95, gratis vanaf € 50,00',
    ]);
    await page.locator('.terms-notice a').click();
    await expect(page).toHaveURL(/\/voorwaarden$/);
    await expect(page.locator('h1')).toHaveText('Algemene voorwaarden');
  });
});
