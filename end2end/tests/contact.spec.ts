// The contact form, the newsletter and injected markup in a real browser
// (issue 7): a question sent with and without JavaScript and answered from
// the CMS; a newsletter subscription confirmed and ended through the links
// of the mails the server wrote; and XSS payloads typed into every text field
// of the public forms and into CMS content, rendered back in the shop and the
// CMS without anything executing.
//
// Mail: the test command starts the server without SMTP, with
// WINKEL_MAIL_DIR pointing at a folder, and exports the same variable to
// these tests (see README.md). Every test uses its own email addresses.
import { expect, test, type Page } from '@playwright/test';
import {
  cmsLogInAsOwner,
  waitForFormGuard,
  fillRegistration,
  linkIn,
  logIn,
  mailTo,
  newAccount,
  placeGuestOrder,
  register,
  uniqueEmail,
  validCustomer,
  visit,
  waitForHydration,
} from './support';

const MSG = {
  thanks: 'We hebben je vraag ontvangen',
  required: 'Dit veld is verplicht.',
  email: 'Vul een geldig e-mailadres in',
  requested: 'we hebben je een e-mail gestuurd',
  confirmed: 'Je aanmelding is bevestigd. Welkom!',
  unsubscribed: 'Je bent afgemeld. Je ontvangt onze nieuwsbrief niet meer.',
  answered: 'Het antwoord is verstuurd.',
};

async function fillContact(page: Page, data: Record<string, string>) {
  const form = page.locator('form.contact');
  await expect(form).toBeVisible();
  for (const [name, value] of Object.entries(data)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
}

// ---------------------------------------------------------------------------
// Contact form
// ---------------------------------------------------------------------------

test('a question is sent with JavaScript, answered in the CMS and mailed to the asker', async ({ page, browser }) => {
  test.slow();
  const email = uniqueEmail('vraag');
  await visit(page, '/');
  await page.locator('footer').getByRole('link', { name: 'Contact' }).click();
  await expect(page).toHaveURL(/\/contact$/);
  await waitForHydration(page);

  // Nothing filled in: each field says what is wrong, nothing is sent.
  await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
  await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
  await expect(page.locator('#question-error')).toHaveText(MSG.required);
  await expect(page.locator('#email-error')).toHaveText(MSG.required);
  await expect(page).toHaveURL(/\/contact$/);

  await fillContact(page, {
    first_name: 'Vera',
    last_name: 'Vraagsteller',
    email,
    question: 'Is de theepot ook in het rood te krijgen?',
  });
  await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
  await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
  await expect(page).toHaveURL(/\/contact\?sent=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toContainText(MSG.thanks);

  // The owner answers it in the CMS.
  const owner = await (await browser.newContext()).newPage();
  await cmsLogInAsOwner(owner);
  await owner.locator('nav.cms-nav').getByRole('link', { name: 'Vragen' }).click();
  await expect(owner).toHaveURL(/\/cms\/questions$/);
  const row = owner.locator('table.cms-questions tr', { hasText: 'Vera Vraagsteller' });
  await expect(row).toContainText('Open');
  await row.getByRole('link').click();
  await expect(owner.locator('.question-email')).toHaveText(email);
  await expect(owner.locator('.question-body')).toHaveText('Is de theepot ook in het rood te krijgen?');
  await owner.locator('form.cms-answer textarea[name="answer"]').fill('Ja, vanaf volgende week.');
  await owner.getByRole('button', { name: 'Antwoord versturen' }).click();
  await expect(owner.getByRole('status')).toHaveText(MSG.answered);
  await expect(owner.locator('.question-status')).toHaveText('Beantwoord');
  const mail = await mailTo(email, 'Ja, vanaf volgende week.');
  expect(mail).toContain('> Is de theepot ook in het rood te krijgen?');
  await owner.getByRole('button', { name: 'Vraag sluiten' }).click();
  await expect(owner.locator('.question-status')).toHaveText('Gesloten');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the contact form shows field errors and the thank-you after plain posts', async ({ page }) => {
    await page.goto('/contact');
    await fillContact(page, { first_name: 'Nico', email: 'geen-adres', question: 'Wat zijn de openingstijden?' });
    await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
    await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
    await expect(page).toHaveURL(/\/contact\?/);
    await expect(page.locator('#email-error')).toContainText(MSG.email);
    await expect(page.locator('#last_name-error')).toHaveText(MSG.required);

    await fillContact(page, {
      first_name: 'Nico',
      last_name: 'Zonderscript',
      email: uniqueEmail('nico'),
      question: 'Wat zijn de openingstijden?',
    });
    await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
    await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
    await expect(page).toHaveURL(/\/contact\?sent=1$/, { timeout: 15_000 });
    await expect(page.getByRole('status')).toContainText(MSG.thanks);
  });

  test('subscribe, confirm and unsubscribe with plain form posts', async ({ page }) => {
    const email = uniqueEmail('brief');
    await page.goto('/newsletter');
    await page.locator('form.newsletter-subscribe [name="email"]').fill(email);
    await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await expect(page.getByRole('status')).toContainText(MSG.requested);
    const mail = await mailTo(email, '/newsletter/confirm?t=');
    await page.goto(linkIn(mail, '/newsletter/confirm?t='));
    await page.getByRole('button', { name: 'Ja, ik wil de nieuwsbrief ontvangen' }).click();
    await expect(page).toHaveURL(/\/newsletter\?confirmed=1$/);
    await expect(page.getByRole('status')).toHaveText(MSG.confirmed);
    await page.goto(linkIn(mail, '/newsletter/unsubscribe?t='));
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await expect(page).toHaveURL(/\/newsletter\?unsubscribed=1$/);
    await expect(page.getByRole('status')).toHaveText(MSG.unsubscribed);
  });
});

// ---------------------------------------------------------------------------
// Newsletter
// ---------------------------------------------------------------------------

test('subscribing to the newsletter is confirmed through the link in the mail', async ({ page }) => {
  const email = uniqueEmail('lezer');
  await visit(page, '/newsletter');
  const form = page.locator('form.newsletter-subscribe');
  await form.locator('[name="email"]').fill(email);
  await form.locator('[name="first_name"]').fill('Lieke');
  await waitForFormGuard(page.locator('form:has(input[name="form_started"])').first());
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await expect(page.getByRole('status')).toContainText(MSG.requested, { timeout: 15_000 });

  const mail = await mailTo(email, '/newsletter/confirm?t=');
  expect(mail).toMatch(/List-Unsubscribe: <https?:\/\/[^>]+\/newsletter\/unsubscribe\?t=/);
  expect(mail).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  const confirm = linkIn(mail, '/newsletter/confirm?t=');

  // A link altered by one character is refused, clearly.
  const tampered = confirm.slice(0, -2) + (confirm.endsWith('A') ? 'BB' : 'AA');
  await visit(page, tampered);
  await expect(page.locator('p.error')).toHaveText('Deze link klopt niet of is verlopen. Vraag zo nodig een nieuwe aan.');
  await expect(page.getByRole('button', { name: 'Ja, ik wil de nieuwsbrief ontvangen' })).toHaveCount(0);

  await visit(page, confirm);
  await page.getByRole('button', { name: 'Ja, ik wil de nieuwsbrief ontvangen' }).click();
  await expect(page).toHaveURL(/\/newsletter\?confirmed=1$/, { timeout: 15_000 });
  await expect(page.getByRole('status')).toHaveText(MSG.confirmed);
});

// ---------------------------------------------------------------------------
// XSS (issue 7, item 6): nothing typed in is ever executed
// ---------------------------------------------------------------------------

/** Each payload would set `window.__xss` and open a dialog if it ran. */
const XSS = {
  script: '<script>window.__xss=1;alert("xss")</script>',
  img: '<img src=x onerror="window.__xss=1;alert(1)">',
  svg: '"><svg onload="window.__xss=1;alert(1)">',
  attr: "' onfocus='window.__xss=1' autofocus x='",
  jsUrl: 'javascript:window.__xss=1;alert(1)',
  iframe: '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
};
const ALL_XSS = Object.values(XSS).join('\n');

/** Fails the test on any dialog and gives every page a clean marker. */
async function guard(page: Page, dialogs: string[]) {
  page.on('dialog', async (dialog) => {
    dialogs.push(`${page.url()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __xss: number }).__xss = 0;
  });
}

async function expectNothingRan(page: Page, dialogs: string[], where: string) {
  // Give onerror/onload handlers a moment to fire.
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), where).toBe(0);
  expect(dialogs, where).toEqual([]);
}

async function visitAndCheck(page: Page, path: string, dialogs: string[]) {
  await visit(page, path);
  await expectNothingRan(page, dialogs, path);
}

test('XSS payloads in every public form and in CMS content render as text and never run', async ({ browser }) => {
  test.setTimeout(300_000);
  const dialogs: string[] = [];
  const shopper = await (await browser.newContext()).newPage();
  const owner = await (await browser.newContext()).newPage();
  await guard(shopper, dialogs);
  await guard(owner, dialogs);

  // The detector works: a payload rendered as HTML on a page without our
  // CSP (about:blank) is caught.
  const inject = (html: string) => {
    const probe = document.createElement('div');
    probe.innerHTML = html;
    document.body.appendChild(probe);
  };
  await shopper.setContent('<html><body></body></html>');
  await shopper.evaluate(inject, XSS.img);
  await expect.poll(() => dialogs.length).toBe(1);
  expect(await shopper.evaluate(() => (window as unknown as { __xss: number }).__xss)).toBe(1);
  dialogs.length = 0;
  // Defence in depth: on the shop's own pages the CSP (no inline handlers)
  // stops even a payload that did end up in the DOM.
  await visit(shopper, '/contact');
  await shopper.evaluate(inject, XSS.img);
  await shopper.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  await visit(shopper, '/contact');

  // Contact form.
  await fillContact(shopper, {
    first_name: XSS.script,
    last_name: XSS.img,
    email: uniqueEmail('xss'),
    company_name: XSS.svg,
    question: ALL_XSS,
  });
  await waitForFormGuard(shopper.locator('form:has(input[name="form_started"])').first());
  await shopper.getByRole('button', { name: 'Verstuur je vraag' }).click();
  await expect(shopper).toHaveURL(/\/contact\?sent=1$/, { timeout: 15_000 });
  await expectNothingRan(shopper, dialogs, 'contact sent');

  // Guest checkout.
  const buyer = {
    ...validCustomer,
    email: uniqueEmail('xss-koper'),
    first_name: XSS.svg,
    last_name: XSS.script,
    street: XSS.img,
    city: XSS.attr,
    company_name: XSS.iframe,
  };
  const token = await placeGuestOrder(shopper, 'theepot-gietijzer', buyer);
  await expectNothingRan(shopper, dialogs, 'order confirmation');
  await expect(shopper.locator('main')).toContainText(XSS.img);

  // Registration, then "Mijn account" edited with more payloads.
  const account = newAccount(uniqueEmail('xss-account'), { first_name: XSS.img, last_name: XSS.svg, street: XSS.script, city: XSS.jsUrl });
  await visit(shopper, '/register');
  await fillRegistration(shopper, account);
  await shopper.locator('form.register [name="company_name"]').fill(XSS.iframe);
  await waitForFormGuard(shopper.locator('form:has(input[name="form_started"])').first());
  await shopper.getByRole('button', { name: 'Account aanmaken' }).click();
  await expect(shopper).toHaveURL(/\/login\?registered=1$/, { timeout: 15_000 });
  await logIn(shopper, account.email, account.password);
  await expectNothingRan(shopper, dialogs, '/account after registration');
  const profile = shopper.locator('form.profile');
  await profile.locator('[name="first_name"]').fill(XSS.attr);
  await profile.locator('[name="city"]').fill(XSS.svg);
  await profile.getByRole('button', { name: 'Opslaan' }).click();
  await expect(shopper.locator('section.account-profile').getByRole('status')).toHaveText('Je gegevens zijn opgeslagen.', {
    timeout: 15_000,
  });
  await visitAndCheck(shopper, '/account', dialogs);
  await expect(shopper.locator('form.profile [name="city"]')).toHaveValue(XSS.svg);

  // CMS content: a product and a content page full of payloads.
  await cmsLogInAsOwner(owner);
  const suffix = Date.now().toString(36);
  await visit(owner, '/cms/catalog/products/new');
  const product = owner.locator('form.cms-product');
  await product.locator('[name="name"]').fill(`Theedoek ${XSS.svg}`);
  await product.locator('[name="slug"]').fill(`xss-theedoek-${suffix}`);
  await product.locator('[name="description"]').fill(ALL_XSS);
  await product.locator('[name="price"]').fill('4,95');
  await product.locator('[name="stock"]').fill('5');
  await product.getByRole('button', { name: 'Opslaan' }).click();
  await expect(owner).toHaveURL(/\/cms\/catalog\/products\/\d+$/, { timeout: 15_000 });
  const productPath = new URL(owner.url()).pathname;

  await visit(owner, '/cms/pages/new');
  const content = owner.locator('form.cms-page');
  await content.locator('[name="title"]').fill(`Over ${XSS.script}`);
  await content.locator('[name="slug"]').fill(`xss-pagina-${suffix}`);
  await content
    .locator('[name="body_markdown"]')
    .fill(`${ALL_XSS}\n\n[klik hier](${XSS.jsUrl})\n\n<a href="${XSS.jsUrl}">ruwe link</a>\n\n![plaatje](x" onerror="window.__xss=1)`);
  await content.getByRole('button', { name: 'Opslaan' }).click();
  await expect(owner).toHaveURL(/\/cms\/pages\/\d+$/, { timeout: 15_000 });
  const pagePath = new URL(owner.url()).pathname;

  // Rendered back in the shop.
  await visitAndCheck(shopper, `/products/xss-theedoek-${suffix}`, dialogs);
  await expect(shopper.locator('main')).toContainText(XSS.script);
  await visitAndCheck(shopper, '/', dialogs);
  await visitAndCheck(shopper, `/orders/${token}`, dialogs);
  await visitAndCheck(shopper, `/xss-pagina-${suffix}`, dialogs);
  await expect(shopper.locator('main')).toContainText('<script>');
  // A javascript: link must not survive; if any link is there, it is inert.
  for (const name of ['klik hier', 'ruwe link']) {
    const link = shopper.getByRole('link', { name });
    if ((await link.count()) > 0) {
      expect(await link.first().getAttribute('href') ?? '').not.toMatch(/^\s*javascript:/i);
      await link.first().click({ noWaitAfter: true }).catch(() => undefined);
      await expectNothingRan(shopper, dialogs, `clicking ${name}`);
    }
  }

  // Rendered back in the CMS.
  await visitAndCheck(owner, '/cms/questions', dialogs);
  await owner.locator('table.cms-questions tr', { hasText: XSS.img }).first().getByRole('link').click();
  await expect(owner.locator('.question-body')).toContainText(XSS.iframe);
  await expectNothingRan(owner, dialogs, 'CMS question');
  await visitAndCheck(owner, '/cms/customers', dialogs);
  await owner.locator('table.cms-customers tr', { hasText: XSS.script }).first().getByRole('link').click();
  await expectNothingRan(owner, dialogs, 'CMS customer');
  await visitAndCheck(owner, '/cms/orders', dialogs);
  await owner.locator('table.cms-orders tr', { hasText: XSS.svg }).first().getByRole('link').click();
  await expect(owner.locator('main')).toContainText(XSS.img);
  await expectNothingRan(owner, dialogs, 'CMS order');
  for (const path of ['/cms/catalog', productPath, '/cms/pages', pagePath, '/cms/audit']) {
    await visitAndCheck(owner, path, dialogs);
  }
});

test('a new email address takes effect only through the link mailed to it, typed again (no JS)', async ({ page, browser }) => {
  const account = newAccount(uniqueEmail('verhuisd'));
  const newEmail = uniqueEmail('nieuwadres');
  await register(page, account);
  await logIn(page, account.email, account.password);
  const form = page.locator('form.change-email');
  await form.locator('[name="new_email"]').fill(newEmail);
  await form.locator('[name="current_password"]').fill(account.password);
  await form.getByRole('button').click();
  await expect(page.locator('section.account-email [role="status"]')).toContainText('bevestigingslink');
  // Nothing changed yet.
  await visit(page, '/account');
  await expect(page.locator('p.greeting')).toContainText(`(${account.email})`);

  const mail = await mailTo(newEmail, '/account/email?t=');
  expect(mail, 'the link does not carry the address').not.toMatch(/email\?t=[^\s]*nieuwadres/);
  const path = linkIn(mail, '/account/email?t=');
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const other = await plain.newPage();
  await other.goto(path);
  const confirm = other.locator('form.confirm-email');
  await confirm.locator('[name="new_email"]').fill(newEmail);
  await confirm.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(other).toHaveURL(/\/login\?email_changed=1$/);
  await expect(other.getByRole('status')).toContainText('Je e-mailadres is gewijzigd');
  await plain.close();

  // The old session ended with the change; the new address logs in.
  await visit(page, '/account');
  await expect(page.locator('p.greeting')).toHaveCount(0);
  await logIn(page, newEmail, account.password);
});
