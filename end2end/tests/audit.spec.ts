// Issue 17, section 2: every staff read is audited, list pages too, and the
// owner answers a customer who asks who saw their data. The owner searches a
// customer (the search term is in no entry), opens them, follows "Wie heeft
// deze gegevens gezien?" to the log filtered on them and downloads the
// answer, which is itself an entry.
//
// The server is a freshly seeded demo shop whose owner account was created by
// the test command (`OWNER` in support.ts); see README.md.
import { expect, test } from '@playwright/test';
import { cmsLogInAsOwner, OWNER, placeGuestOrder, uniqueEmail, validCustomer, visit } from './support';

const KAASSCHAAF = 'kaasschaaf-klassiek';

test('the owner finds who saw a customer and downloads it for them', async ({ browser, page: shopper }) => {
  test.slow(); // PBKDF2 for the login, in a debug build

  const email = uniqueEmail('inzage');
  const lastName = 'Inzagetest';
  await placeGuestOrder(shopper, KAASSCHAAF, { ...validCustomer, email, first_name: 'Ineke', last_name: lastName });

  const owner = await (await browser.newContext()).newPage();
  try {
    await cmsLogInAsOwner(owner);
    await visit(owner, `/cms/customers?q=${encodeURIComponent(email)}`);
    const row = owner.locator('table.cms-customers tbody tr', { hasText: email });
    await expect(row).toHaveCount(1);
    await row.getByRole('link').click();
    await expect(owner).toHaveURL(/\/cms\/customers\/(\d+)$/);
    const customerId = owner.url().match(/\/cms\/customers\/(\d+)$/)![1];

    await owner.getByRole('link', { name: 'Wie heeft deze gegevens gezien?' }).click();
    await expect(owner).toHaveURL(new RegExp(`/cms/audit\\?customer=${customerId}$`));
    const entries = owner.locator('table.cms-audit tbody tr');
    // The owner found the customer in a list and opened them (other specs
    // running alongside may add list pages that showed this customer too).
    const view = entries.filter({ hasText: 'customer.view' }).filter({ hasText: OWNER.email });
    await expect(view).toHaveCount(1);
    await expect(view.locator('td').nth(3)).toHaveText(`customer #${customerId}`);
    await expect(entries.filter({ hasText: 'customer.list' }).first()).toBeVisible();
    // The search term (an address) is nowhere in the log.
    await expect(owner.locator('table.cms-audit')).not.toContainText(email);
    await expect(owner.locator('table.cms-audit')).not.toContainText(lastName);

    const download = owner.getByRole('link', { name: 'Downloaden voor de klant (JSON)' });
    await expect(download).toHaveAttribute('href', `/cms/customers/${customerId}/access.json`);
    const res = await owner.request.get(`/cms/customers/${customerId}/access.json`);
    expect(res.status()).toBe(200);
    const answer = await res.json();
    expect(answer.format).toBe('winkel-access-log/1');
    const actions = answer.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain('customer.list');
    expect(actions).toContain('customer.view');
    expect(answer.entries.some((e: { member: string }) => e.member === OWNER.email)).toBe(true);

    // The download is itself in the log.
    await visit(owner, `/cms/audit?customer=${customerId}`);
    await expect(entries.filter({ hasText: 'audit.export' })).toHaveCount(1);
  } finally {
    await owner.context().close();
  }
});
