// Payment instructions (issue 20, item 2): the owner enters the shop's IBAN
// in the CMS settings; a guest who orders with bank transfer sees the
// instructions on the confirmation page (IBAN, account name, amount, the
// order number as reference) and gets them in the confirmation mail. Once
// the owner marks the order paid, the page no longer asks for money and
// the "paid" mail arrives.
//
// The server is a freshly seeded demo shop with an owner (`OWNER` in
// support.ts); its mail goes to WINKEL_MAIL_DIR. The IBAN set here is the
// documentation IBAN of the Dutch banks; other specs do not depend on it.
import { expect, test } from '@playwright/test';
import {
  cmsLogInAsOwner,
  mailTo,
  placeGuestOrder,
  uniqueEmail,
  validCustomer,
  visit,
  waitForHydration,
} from './support';

const IBAN = 'NL91 ABNA 0417 1643 00';
const KAASSCHAAF = 'kaasschaaf-klassiek';

test('a bank-transfer order shows how to pay, on the page and in the mail, until it is paid', async ({ browser, page }) => {
  test.slow(); // a PBKDF2 login in a debug build

  // --- The owner enters the shop's IBAN. -------------------------------
  const owner = await (await browser.newContext()).newPage();
  await cmsLogInAsOwner(owner);
  await visit(owner, '/cms/settings');
  await waitForHydration(owner);
  const settings = owner.locator('form.cms-settings');
  await settings.locator('[name="iban"]').fill('nl91abna0417164300');
  await settings.getByRole('button', { name: 'Opslaan' }).click();
  await expect(owner.getByRole('status')).toContainText('Opgeslagen.');
  const holder = (await settings.locator('[name="legal_name"]').inputValue()) || (await settings.locator('[name="shop_name"]').inputValue());

  // --- A guest orders two cheese slicers, paying by bank transfer. -------
  const email = uniqueEmail('overmaker');
  const token = await placeGuestOrder(page, KAASSCHAAF, { ...validCustomer, email, payment_method: 'bank_transfer' }, 2);
  const block = page.locator('section.payment-instructions');
  await expect(block).toBeVisible();
  await expect(block.locator('.pay-iban')).toHaveText(IBAN);
  await expect(block.locator('.pay-name')).toHaveText(holder);
  const total = await page.locator('.order-total').innerText();
  await expect(block.locator('.pay-amount')).toHaveText(total);
  const number = (await page.locator('.order-number').innerText()).trim();
  expect(number).toMatch(/^\d+$/);
  await expect(block.locator('.pay-reference')).toHaveText(number);

  // --- The confirmation mail says the same. ------------------------------
  const mail = await mailTo(email, `Je bestelling ${number} bij`);
  expect(mail).toContain(`Maak ${total} over naar ${IBAN} ten name van ${holder}, onder vermelding van je bestelnummer ${number}.`);
  expect(mail).toContain(`/orders/${token}`);
  expect(mail).toContain('Content-Type: text/html');

  // --- The owner marks it paid: the page stops asking, the mail comes. ---
  await visit(owner, `/cms/orders/${number}`);
  await waitForHydration(owner);
  await owner.locator('.status-actions').getByRole('button', { name: 'Markeer als Betaald' }).click();
  await expect(owner.locator('.order-status')).toHaveText('Betaald');
  await mailTo(email, `Betaling ontvangen voor bestelling ${number}`);
  await visit(page, `/orders/${token}`);
  await expect(page.locator('.order-status')).toHaveText('Betaald');
  await expect(page.locator('section.payment-instructions')).toHaveCount(0);
  await owner.context().close();
});
