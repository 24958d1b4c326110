import { defineConfig, devices } from '@playwright/test';

// The server is started by the test command (see README.md), never here:
// these tests only need the URL of a running, freshly seeded demo shop.
const baseURL = process.env.WINKEL_E2E_URL ?? 'http://127.0.0.1:3100';

// Debian's Chromium, not a downloaded browser.
const chromium = process.env.WINKEL_E2E_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
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
