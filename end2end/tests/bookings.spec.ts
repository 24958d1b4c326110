// Bookings (issue 15) in the browser, against the demo seed: a customer
// books places in the cooking workshop, sees the confirmation and the
// booking under Mijn account, and cancels it there; once with JavaScript
// (the booking form is an island: the chosen slot and the total show as
// you go; every link is a page load) and once without (plain links and
// form posts answered with redirects).
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  cmsLogInAsOwner,
  euro,
  logIn,
  newAccount,
  register,
  uniqueEmail,
  visit,
  waitForFormGuard,
  watchConsole,
  waitForHydration,
} from './support';

const WORKSHOP = { slug: 'kookworkshop-pasta', name: 'Kookworkshop pasta', cents: 7500 };
const CONFIRMED_URL = /\/bookings\/confirmed\/([0-9a-f]{32})$/;

/**
 * The first free slot of the item page that is open, going to the next
 * month while the one shown has none; checks its radio button and returns
 * its value (`2026-12-14T19:00+01:00`).
 */
async function chooseFirstFreeSlot(page: Page, js: boolean): Promise<string> {
  const form = page.locator('form.booking');
  for (let month = 0; month < 4; month++) {
    const free = form.locator('input[name="slot"]:not([disabled])');
    if ((await free.count()) > 0) {
      const slot = (await free.first().getAttribute('value'))!;
      await free.first().check();
      return slot;
    }
    const caption = await form.locator('.month-name').textContent();
    await form.locator('a.next-month').click();
    await expect(form.locator('.month-name')).not.toHaveText(caption ?? '');
    // The next month is a page of its own; with JavaScript its booking
    // form is an island that must be live before a slot is chosen.
    if (js) await waitForHydration(page);
  }
  throw new Error('no free slot in four months');
}

/**
 * The owner, in a browser of their own, finds the booking in the CMS
 * agenda of its day: the item, the customer's name and the places.
 */
async function ownerSeesInAgenda(browser: Browser, slot: string, customer: string): Promise<void> {
  const context = await browser.newContext();
  const staff = await context.newPage();
  await cmsLogInAsOwner(staff);
  await visit(staff, `/cms/bookings?span=day&date=${slot.slice(0, 10)}`);
  // Other runs may have booked the same evening under the same name: the
  // line that is still booked, with this time, item and number of places.
  const line = staff
    .locator('li.agenda-booking:not(.cancelled)')
    .filter({ hasText: customer })
    .filter({ hasText: WORKSHOP.name })
    .filter({ hasText: slot.slice(11, 16) })
    .filter({ hasText: '2 plaatsen' });
  await expect(line.first()).toBeVisible();
  await context.close();
}

async function bookAndCancel(page: Page, js: boolean, browser?: Browser): Promise<void> {
  const email = uniqueEmail(js ? 'boeker-js' : 'boeker-zonder-js');
  await register(page, newAccount(email), { js });
  await logIn(page, email, newAccount(email).password, { js });

  if (js) await visit(page, '/bookings');
  else await page.goto('/bookings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reserveren');
  await page.getByRole('link', { name: WORKSHOP.name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/bookings/${WORKSHOP.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(WORKSHOP.name);
  if (js) await waitForHydration(page);
  const form = page.locator('form.booking');
  await expect(form.locator('table.month')).toBeVisible();

  const slot = await chooseFirstFreeSlot(page, js);
  if (js) {
    // The booking form shows the choice as it is made.
    await expect(form.locator('.chosen-slot')).toContainText(`Gekozen: `);
    await expect(form.locator('.chosen-slot')).toContainText(slot.slice(11, 16));
  }
  await form.locator('input[name="places"]').fill('2');
  if (js) await expect(form.locator('.booking-total')).toHaveText(euro(2 * WORKSHOP.cents));
  // A logged-in customer's details are filled in already.
  await expect(form.locator('input[name="email"]')).toHaveValue(email);
  await form.locator('input[name="payment_method"][value="bank_transfer"]').check();
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Boeken' }).click();

  await expect(page).toHaveURL(CONFIRMED_URL, { timeout: 15_000 });
  const token = CONFIRMED_URL.exec(page.url())![1];
  await expect(page.locator('.booking-item')).toHaveText(WORKSHOP.name);
  await expect(page.locator('.booking-places')).toHaveText('2');
  await expect(page.locator('.booking-when')).toContainText(slot.slice(11, 16));
  await expect(page.locator('.booking-status')).toHaveText('Geboekt');

  if (browser) {
    const account = newAccount(email);
    await ownerSeesInAgenda(browser, slot, `${account.first_name} ${account.last_name}`);
  }

  if (js) await visit(page, '/account');
  else await page.goto('/account');
  const row = page.locator(`.account-bookings li.booking[data-token="${token}"]`);
  await expect(row).toContainText(WORKSHOP.name);
  await expect(row).toContainText('2 plaatsen');
  await expect(row).toContainText(euro(2 * WORKSHOP.cents));
  await expect(row.locator('.booking-status')).toHaveText('Geboekt');
  await row.getByRole('button', { name: 'Annuleren' }).click();
  await expect(page).toHaveURL(/\/account\??$/);
  await expect(row.locator('.booking-status')).toHaveText('Geannuleerd', { timeout: 15_000 });
  await expect(row.getByRole('button', { name: 'Annuleren' })).toHaveCount(0);
}

test('a customer books the cooking workshop, the owner sees it in the agenda, the customer cancels it in Mijn account', async ({ page, browser }) => {
  test.slow();
  const problems = watchConsole(page);
  await bookAndCancel(page, true, browser);
  expect(problems).toEqual([]);
});

test('a booking without a slot or details gets clear field messages and stays on the page', async ({ page }) => {
  const problems = watchConsole(page);
  await visit(page, `/bookings/${WORKSHOP.slug}`);
  const form = page.locator('form.booking');
  // Nothing chosen: the field messages, no navigation.
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Boeken' }).click();
  await expect(page.locator('span#slot-error')).toHaveText('Kies een tijd uit de agenda.');
  await expect(page.locator('span#email-error')).not.toBeEmpty();
  await expect(page).toHaveURL(new RegExp(`/bookings/${WORKSHOP.slug}$`));
  expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a customer books the cooking workshop, finds it in Mijn account and cancels it', async ({ page }) => {
    test.slow();
    await bookAndCancel(page, false);
  });
});
