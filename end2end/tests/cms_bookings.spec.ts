// Bookings in the CMS in a real browser (issue 15): the owner creates a
// bookable item, edits it and gives it weekly hours and a one-off date (a
// wrong time is refused with its message); the agenda moves by day and
// week, with and without JavaScript.
//
// A booking made in the shop and seen in the agenda: bookings.spec.ts. The
// agenda's times and contents are proved on both databases in
// server/tests/it/cms_bookings.rs.
import { expect, test } from '@playwright/test';
import { cmsLogIn, cmsLogInAsOwner, cmsNav, OWNER, visit } from './support';

test('the owner creates a bookable item, edits it and sets its schedule', async ({ page }) => {
  test.slow(); // PBKDF2 for the login, in a debug build
  const name = `Pastaworkshop ${Date.now()}`;
  await cmsLogInAsOwner(page);
  await cmsNav(page).getByRole('link', { name: 'Boekbare items', exact: true }).click();
  await expect(page).toHaveURL(/\/cms\/bookables$/);

  const create = page.locator('form.cms-bookable');
  // Nothing filled in: the name is asked for, and nothing is created.
  await create.getByRole('button', { name: 'Toevoegen' }).click();
  await expect(create.locator('#name-error')).toHaveText('Dit veld is verplicht.');

  await create.locator('input[name="name"]').fill(name);
  await create.locator('input[name="price"]').fill('45,50');
  await create.locator('select[name="vat_rate"]').selectOption('9');
  await create.locator('input[name="duration_minutes"]').fill('150');
  await create.locator('input[name="slot_minutes"]').fill('150');
  await create.locator('input[name="capacity"]').fill('0');
  await create.getByRole('button', { name: 'Toevoegen' }).click();
  await expect(create.locator('#capacity-error')).toHaveText('Vul een heel getal van 1 tot 1000 in.');
  await create.locator('input[name="capacity"]').fill('8');
  await create.getByRole('button', { name: 'Toevoegen' }).click();

  // The new item opens on its own screen.
  await expect(page).toHaveURL(/\/cms\/bookables\/\d+$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  const edit = page.locator('form.cms-bookable');
  await expect(edit.locator('input[name="slug"]')).toHaveValue(/^pastaworkshop-\d+$/);
  await expect(edit.locator('input[name="price"]')).toHaveValue('45,50');

  await edit.locator('input[name="capacity"]').fill('10');
  await edit.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByRole('status')).toHaveText('Opgeslagen.');

  // Weekly hours: closing before opening is refused, then Tuesday evening.
  const hours = page.locator('form.add-hours');
  await hours.locator('select[name="weekday"]').selectOption('1');
  await hours.locator('input[name="opens"]').fill('21:00');
  await hours.locator('input[name="closes"]').fill('18:30');
  await hours.getByRole('button', { name: 'Toevoegen' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'De sluitingstijd moet na de openingstijd liggen.' }).first()).toBeVisible();
  await hours.locator('input[name="opens"]').fill('18:30');
  await hours.locator('input[name="closes"]').fill('21:00');
  await hours.getByRole('button', { name: 'Toevoegen' }).click();
  const hourRow = page.locator('section.booking-hours tr', { hasText: 'dinsdag' });
  await expect(hourRow).toContainText('18:30–21:00');

  // A one-off date, typed in Amsterdam time and shown as typed.
  const oneOff = page.locator('form.add-date');
  await oneOff.locator('input[name="date"]').fill('2027-03-14');
  await oneOff.locator('input[name="time"]').fill('19:00');
  await oneOff.getByRole('button', { name: 'Toevoegen' }).click();
  await expect(page.locator('section.booking-dates li')).toContainText(['14-03-2027 19:00']);

  // After a reload everything is still there.
  await page.reload();
  await expect(page.locator('section.booking-hours tr', { hasText: 'dinsdag' })).toContainText('18:30–21:00');
  await expect(page.locator('form.cms-bookable input[name="capacity"]')).toHaveValue('10');

  // The list shows the item.
  await visit(page, '/cms/bookables');
  await expect(page.locator('table.cms-bookables tr', { hasText: name })).toContainText('€');
});

test('the agenda moves by week and by day', async ({ page }) => {
  test.slow();
  await cmsLogInAsOwner(page);
  await visit(page, '/cms/bookings?span=week&date=2027-07-14');
  await expect(page.locator('.agenda-day-column')).toHaveCount(7);
  await expect(page.locator('.agenda-day-column h3').first()).toHaveText('maandag 12-07-2027');
  await page.getByRole('link', { name: 'Volgende week →' }).click();
  await expect(page).toHaveURL(/date=2027-07-19/);
  await expect(page.locator('.agenda-day-column h3').first()).toHaveText('maandag 19-07-2027');
  await page.locator('nav.agenda-nav a.agenda-day').click();
  await expect(page.locator('.agenda-day-column')).toHaveCount(1);
  await page.getByRole('link', { name: '← Vorige dag' }).click();
  await expect(page.locator('.agenda-day-column h3')).toHaveText('zondag 18-07-2027');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the agenda and its links work as plain pages', async ({ page }) => {
    test.slow();
    await cmsLogIn(page, OWNER.email, OWNER.password, { js: false });
    await expect(page).toHaveURL(/\/cms$/, { timeout: 15_000 });
    await page.goto('/cms/bookings?span=day&date=2027-01-13');
    await expect(page.locator('.agenda-day-column')).toHaveCount(1);
    await expect(page.locator('.agenda-day-column h3')).toHaveText('woensdag 13-01-2027');
    await page.locator('nav.agenda-nav a.agenda-week').click();
    await expect(page.locator('.agenda-day-column')).toHaveCount(7);
    await page.getByRole('link', { name: '← Vorige week' }).click();
    await expect(page.locator('.agenda-day-column h3').first()).toHaveText('maandag 04-01-2027');
    // The list's filters are a GET form.
    await page.locator('form.booking-filters select[name="status"]').selectOption('cancelled');
    await page.locator('form.booking-filters').getByRole('button', { name: 'Tonen' }).click();
    await expect(page).toHaveURL(/status=cancelled/);
  });
});
