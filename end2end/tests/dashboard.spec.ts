// The CMS dashboard's charts (issue 17, section 4; AVG-18): drawn on the
// server as SVG, so they need no chart script and show without JavaScript;
// each is an image with its name for a screen reader.
import { expect, test } from '@playwright/test';
import { cmsLogIn, cmsLogInAsOwner, OWNER } from './support';

const CHARTS = [
  'Bestellingen per dag, laatste 30 dagen',
  'Omzet per dag, laatste 30 dagen',
  'Beveiligingsmeldingen per uur, laatste 7 dagen',
  'Achtergrondtaken per dag, laatste 30 dagen',
];

test('the dashboard shows its four charts', async ({ page }) => {
  await cmsLogInAsOwner(page);
  for (const name of CHARTS) {
    await expect(page.getByRole('img', { name })).toBeVisible();
  }
  // The e2e server ran last night's sweep at start-up: today has a job run.
  const jobs = page.getByRole('img', { name: CHARTS[3] });
  await expect(jobs.locator('rect.chart-part-0').first()).toBeAttached();
});

test('an open dashboard loads its figures again every minute', async ({ page }) => {
  // The page's own timers run on a clock the test moves forward.
  await page.clock.install();
  await cmsLogInAsOwner(page);
  await expect(page.getByRole('img', { name: CHARTS[0] })).toBeVisible();
  const refreshed = page.waitForResponse((r) => r.url().includes('/api/cms_dashboard') && r.ok());
  await page.clock.runFor(61_000);
  await refreshed;
  // The figures stay on screen while and after they reload.
  await expect(page.getByRole('img', { name: CHARTS[0] })).toBeVisible();
  await expect(page.locator('dd.orders-today')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the charts are in the page as the server sent it', async ({ page }) => {
    await cmsLogIn(page, OWNER.email, OWNER.password, { js: false });
    await expect(page).toHaveURL(/\/cms$/, { timeout: 15_000 });
    for (const name of CHARTS) {
      await expect(page.getByRole('img', { name })).toBeVisible();
    }
  });
});
