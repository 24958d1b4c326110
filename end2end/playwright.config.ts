import { defineConfig, devices } from '@playwright/test';
import { resolve } from 'node:path';

// The server is started by whoever runs the suite, never here: these tests
// only need the URL of a running, seeded demo shop.
// - `./winkel test` starts a fresh shop of its own and names it in
//   WINKEL_E2E_URL (and its mail folder in WINKEL_MAIL_DIR).
// - `cargo leptos end-to-end` serves the development shop at its site-addr
//   (Cargo.toml: 127.0.0.1:3000; LEPTOS_SITE_ADDR overrides it for both)
//   and runs `npx playwright test` here; its mail goes to the server's
//   default folder, data/mail (README.md, "Developing").
const siteAddr = process.env.LEPTOS_SITE_ADDR || '127.0.0.1:3000';
const baseURL = process.env.WINKEL_E2E_URL || `http://${siteAddr}`;
if (!process.env.WINKEL_E2E_URL && !process.env.WINKEL_MAIL_DIR) {
  process.env.WINKEL_MAIL_DIR = resolve(__dirname, '..', 'data', 'mail');
}

// Debian's Chromium, not a downloaded browser.
const chromium = process.env.WINKEL_E2E_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  // Waits until GET /healthz answers: cargo-leptos starts the tests as soon
  // as it has started the server, not when the server is up.
  globalSetup: './wait-for-shop.ts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  use: {
    baseURL,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 10_000,
    // A visitor address the servers read (they trust the header in the
    // test run) and must store and log nowhere: scan_addresses.py looks
    // for it after the suite (AVG-8).
    extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.77' },
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromium,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
});
