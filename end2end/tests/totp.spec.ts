// The CMS second factor in a real browser (issue 17, section 1): a member
// sets up TOTP on /cms/security (the code is computed here from the secret
// the page shows, as an authenticator app does), gets the recovery codes
// once, logs out, and logs in again with password and code. The owner sees
// the second factor on the staff screen and can remove it.
//
// A member of its own (unique email) rather than the shared owner account,
// so that the other specs, which log the owner in with the password alone,
// are not affected.
import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import {
  cmsLogIn,
  cmsLogInAsOwner,
  cmsNav,
  STAFF_FIRST_PASSWORD,
  uniqueEmail,
  visit,
  waitForFormGuard,
} from './support';

/** RFC 4648 base32 (spaces, padding and case ignored). */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238: HMAC-SHA1, 30-second steps, 6 digits; `steps` from now. */
function totp(secret: string, steps = 0): string {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = hash[19] & 0x0f;
  const value =
    ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
  return String(value % 1_000_000).padStart(6, '0');
}

test('a member sets up TOTP and logs in with it', async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const memberContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  const member = await memberContext.newPage();
  const email = uniqueEmail('tweefactor');
  const password = 'mijn eigen zin met een tweede factor';

  try {
    // The owner adds a member who may see orders (customer data).
    await cmsLogInAsOwner(owner);
    await visit(owner, '/cms/staff');
    const create = owner.locator('form.cms-create-staff');
    await create.locator('input[name="email"]').fill(email);
    await create.locator('input[name="password"]').fill(STAFF_FIRST_PASSWORD);
    await create.locator('input[name="rights[]"][value="orders.view"]').check();
    await create.getByRole('button', { name: 'Aanmaken' }).click();
    await expect(owner.getByRole('status')).toContainText('De medewerker is aangemaakt');

    // The member chooses their own password.
    await cmsLogIn(member, email, STAFF_FIRST_PASSWORD);
    const choose = member.locator('form.cms-password');
    await expect(choose).toBeVisible({ timeout: 15_000 });
    await choose.locator('input[name="current_password"]').fill(STAFF_FIRST_PASSWORD);
    await choose.locator('input[name="new_password"]').fill(password);
    const changed = member.waitForResponse((r) => r.url().includes('/api/cms_change_password'));
    await choose.getByRole('button', { name: 'Opslaan' }).click();
    expect((await changed).ok(), 'the new password is saved').toBe(true);

    // --- Setting up: a secret, then a code from the "app". --------------
    await visit(member, '/cms/security');
    await expect(member.getByRole('heading', { level: 1 })).toHaveText('Beveiliging');
    await member.getByRole('button', { name: 'Tweede factor instellen' }).click();
    const secretShown = member.locator('code.totp-secret');
    await expect(secretShown).toBeVisible({ timeout: 15_000 });
    const secret = (await secretShown.getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expect(member.locator('a.otpauth')).toHaveAttribute('href', new RegExp(`^otpauth://totp/.*secret=${secret}`));

    const confirm = member.locator('form.second-factor-confirm');
    // A mistyped code switches nothing on.
    const wrongCode = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    await confirm.locator('input[name="code"]').fill(wrongCode);
    await confirm.getByRole('button', { name: 'Aanzetten' }).click();
    await expect(member.locator('#code-error')).toContainText('klopt niet', { timeout: 15_000 });
    await confirm.locator('input[name="code"]').fill(totp(secret));
    await confirm.getByRole('button', { name: 'Aanzetten' }).click();
    const codes = member.locator('section.recovery-codes li code');
    await expect(codes).toHaveCount(10, { timeout: 15_000 });
    await expect(member.locator('p.second-factor-on')).toContainText('staat aan');

    // --- Logging out, and in again with password and code. -------------
    await cmsNav(member).getByRole('button', { name: 'Uitloggen' }).click();
    await expect(member).toHaveURL(/\/cms\/login$/, { timeout: 15_000 });
    await cmsLogIn(member, email, password);
    await expect(member).toHaveURL(/\/cms\/login\/code$/, { timeout: 15_000 });
    await expect(cmsNav(member)).toHaveCount(0);
    const codeForm = member.locator('form.cms-login-code-form');
    await expect(codeForm).toBeVisible();
    // The confirmation used this step's code; the next step's is accepted
    // (a phone clock slightly ahead) and is not a reuse.
    await codeForm.locator('input[name="code"]').fill(totp(secret, 1));
    await waitForFormGuard(codeForm);
    await codeForm.getByRole('button', { name: 'Inloggen' }).click();
    await expect(member).toHaveURL(/\/cms$/, { timeout: 15_000 });
    await expect(cmsNav(member)).toContainText(email, { timeout: 15_000 });

    // --- The owner sees it, and removes it (a lost phone). --------------
    await visit(owner, '/cms/staff');
    const row = owner.locator('table.cms-staff tr.staff-row', { hasText: email });
    await expect(row.locator('.second-factor')).toContainText('tweede factor aan');
    await row.getByRole('button', { name: 'Tweede factor verwijderen (telefoon kwijt)' }).click();
    await expect(row.locator('.second-factor')).toHaveCount(0, { timeout: 15_000 });
  } finally {
    await ownerContext.close();
    await memberContext.close();
  }
});
