// Privacy automation in the CMS (issue 5, AVG-14/15): the server's scheduler
// catches up last night's retention sweep as soon as it starts, the dashboard
// shows that run, and the settings screen shows today's dry run next to the
// term.
import { expect, test } from '@playwright/test';
import { cmsLogInAsOwner, visit } from './support';

test('the dashboard shows the last retention sweep and the settings its dry run', async ({ page }) => {
  await cmsLogInAsOwner(page);

  // The e2e server started minutes ago with no sweep recorded: it ran the
  // missed night's sweep at start-up (a fresh demo shop: nothing to delete).
  const sweep = page.locator('dt', { hasText: 'Laatste opschoning' }).locator('xpath=following-sibling::dd[1]');
  await expect(sweep).toContainText(/\d+ verwijderd, \d+ geanonimiseerd/);
  await expect(sweep).not.toContainText('MISLUKT');

  await visit(page, '/cms/settings');
  const preview = page.locator('.retention-preview');
  await expect(preview.locator('h2')).toHaveText('Opschoning van vannacht (voorbeeld)');
  const years = await page.locator('input[name="retention_years"]').inputValue();
  await expect(preview.locator('.retention-summary')).toContainText(
    new RegExp(`Met een bewaartermijn van ${years} jaar worden vandaag \\d+ klanten verwijderd en \\d+ bestellingen en \\d+ boekingen geanonimiseerd\\.`),
  );
});
