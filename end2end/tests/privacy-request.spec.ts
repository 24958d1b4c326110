// Privacy requests without an account in a real browser (issue 17,
// section 3): a guest orders, asks for the link at /privacy/request,
// opens the mailed link, downloads their data and erases it; the data is
// gone and the link is used up — with and without JavaScript.
//
// Every test has its own browser context and its own email address; the
// mail is read from the server's mail folder (WINKEL_MAIL_DIR).
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import {
  linkIn,
  mailTo,
  placeGuestOrder,
  uniqueEmail,
  validCustomer,
  visit,
  waitForFormGuard,
  waitForHydration,
} from './support';

const LINK = '/privacy/request/confirm?t=';
const MSG = {
  sent: 'Als we gegevens bij dit adres hebben',
  erased: 'We bewaren niets meer dat bij je e-mailadres hoort.',
  invalidLink: 'Deze link klopt niet of is verlopen.',
};

/** Asks for the link at /privacy/request (reached from the statement). */
async function askForLink(page: Page, email: string, { js }: { js: boolean }): Promise<void> {
  if (js) await visit(page, '/privacy');
  else await page.goto('/privacy');
  await page.getByRole('link', { name: 'Gegevens inzien of verwijderen zonder account' }).click();
  await expect(page).toHaveURL(/\/privacy\/request$/);
  if (js) await waitForHydration(page);
  const form = page.locator('form.privacy-request-form');
  await form.locator('input[name="email"]').fill(email);
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Stuur mij de link' }).click();
  await expect(page).toHaveURL(/\/privacy\/request\?sent=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toContainText(MSG.sent);
}

test('a guest erases their data by the mailed link', async ({ page }) => {
  const email = uniqueEmail('inzage');
  const lastName = 'Wisselaar';
  const token = await placeGuestOrder(page, 'espressobonen-amsterdam', {
    ...validCustomer,
    email,
    last_name: lastName,
  });

  await askForLink(page, email, { js: true });
  const mail = await mailTo(email, LINK);
  expect(mail).toContain('Subject: Je gegevens bij');
  const link = linkIn(mail, LINK);

  await visit(page, link);
  await expect(page.locator('dd.orders')).toHaveText('1');

  // The download: everything of this address, as JSON.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download mijn gegevens' }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^winkel-gegevens-\d{8}\.json$/);
  const data = JSON.parse(await readFile((await file.path())!, 'utf8'));
  expect(data.format).toBe('winkel-address-export/1');
  expect(data.records.every((r: { profile: { email: string } }) => r.profile.email === email)).toBe(true);
  expect(JSON.stringify(data)).toContain(lastName);

  // Erase: the box must be ticked (the browser asks for it), then all goes.
  await page.getByLabel('Ja, verwijder al mijn gegevens bij dit e-mailadres').check();
  await page.getByRole('button', { name: 'Verwijder alles' }).click();
  await expect(page).toHaveURL(/\/privacy\/request\/erased$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toContainText(MSG.erased);

  // The link is used up, and the order no longer names the guest.
  await visit(page, link);
  await expect(page.locator('p.error')).toContainText(MSG.invalidLink);
  await expect(page.getByRole('button', { name: 'Verwijder alles' })).toHaveCount(0);
  await visit(page, `/orders/${token}`);
  await expect(page.locator('main')).not.toContainText(lastName);
});

test('an unknown address gets the same answer', async ({ page }) => {
  await askForLink(page, uniqueEmail('onbekend'), { js: true });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a newsletter subscriber erases their data by the mailed link', async ({ page }) => {
    // A subscriber has a record too (no order): subscribe, then erase.
    const email = uniqueEmail('inzage.brief');
    await page.goto('/newsletter');
    await page.locator('form.newsletter-subscribe [name="email"]').fill(email);
    await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await mailTo(email, '/newsletter/confirm?t=');

    await askForLink(page, email, { js: false });
    const link = linkIn(await mailTo(email, LINK), LINK);
    await page.goto(link);
    await expect(page.locator('dd.newsletter')).toHaveText('ja');
    await page.getByLabel('Ja, verwijder al mijn gegevens bij dit e-mailadres').check();
    await page.getByRole('button', { name: 'Verwijder alles' }).click();
    await expect(page).toHaveURL(/\/privacy\/request\/erased$/, { timeout: 15_000 });
    await page.goto(link);
    await expect(page.locator('p.error')).toContainText(MSG.invalidLink);
  });
});
