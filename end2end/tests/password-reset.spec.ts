// "Wachtwoord vergeten?" in a real browser (issue 20): from the login page
// to the mailed link, a new password, logged in; the old password no
// longer works and the link works once — with and without JavaScript.
//
// Every test has its own browser context and its own email address; the
// mail is read from the server's mail folder (WINKEL_MAIL_DIR).
import { expect, test, type Page } from '@playwright/test';
import {
  logIn,
  LOGIN_FAILED,
  loginError,
  linkIn,
  mailTo,
  newAccount,
  register,
  submitLogin,
  uniqueEmail,
  visit,
  waitForFormGuard,
  waitForHydration,
} from './support';

const NEW_PASSWORD = 'zes eenden op een rij';
const LINK = '/account/password/reset?t=';
const MSG = {
  sent: 'Als er een account is met dit e-mailadres',
  done: 'Je nieuwe wachtwoord is opgeslagen en je bent ingelogd.',
  invalidLink: 'Deze link klopt niet of is verlopen.',
};

/** On the login page: follows "Wachtwoord vergeten?" and asks for a link. */
async function askForLink(page: Page, email: string, { js }: { js: boolean }): Promise<void> {
  await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
  await expect(page).toHaveURL(/\/account\/password\/forgot$/);
  if (js) await waitForHydration(page);
  const form = page.locator('form.forgot-password');
  await form.locator('input[name="email"]').fill(email);
  await waitForFormGuard(form);
  await form.getByRole('button', { name: 'Stuur mij een link' }).click();
  await expect(page).toHaveURL(/\/account\/password\/forgot\?sent=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toContainText(MSG.sent);
}

/** Chooses `password` on the reset page that is open now. */
async function choosePassword(page: Page, password: string): Promise<void> {
  const form = page.locator('form.reset-password');
  await form.locator('input[name="password"]').fill(password);
  await form.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
}

/** The whole way back in, then the checks that the old way is closed. */
async function resetForgottenPassword(page: Page, js: boolean): Promise<void> {
  const account = newAccount(uniqueEmail(js ? 'vergeten' : 'vergeten.nojs'));
  await register(page, account, { js });

  if (js) await visit(page, '/login');
  else await page.goto('/login');
  await askForLink(page, account.email, { js });

  const mail = await mailTo(account.email, LINK);
  expect(mail).toContain('Subject: Nieuw wachtwoord voor je account bij');
  const link = linkIn(mail, LINK);

  if (js) await visit(page, link);
  else await page.goto(link);
  await choosePassword(page, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/account\?password_reset=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toHaveText(MSG.done);
  await expect(page.locator('p.greeting')).toContainText(`(${account.email})`);

  // Log out; the old password is refused, the new one works.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  // The logout answers with the home page (a page load): wait for it, or
  // the next visit cuts it off.
  await expect(page).toHaveURL(/\/\??$/);
  if (js) await visit(page, '/login');
  else await page.goto('/login');
  await submitLogin(page, account.email, account.password);
  await expect(loginError(page)).toHaveText(LOGIN_FAILED);
  await logIn(page, account.email, NEW_PASSWORD, { js });

  // The link worked once.
  if (js) {
    await visit(page, link);
    await choosePassword(page, 'nog een heel ander wachtwoord');
    await expect(page.locator('p.error[role="alert"]')).toContainText(MSG.invalidLink);
  }
}

test('reset a forgotten password with JavaScript', async ({ page }) => {
  await resetForgottenPassword(page, true);
});

test('an unknown address gets the same answer and no mail', async ({ page }) => {
  await visit(page, '/login');
  await askForLink(page, uniqueEmail('onbekend'), { js: true });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('reset a forgotten password', async ({ page }) => {
    await resetForgottenPassword(page, false);
  });
});
