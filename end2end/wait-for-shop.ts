import type { FullConfig } from '@playwright/test';

// Before any test: wait (at most WINKEL_E2E_WAIT_SECONDS, default 120) until
// the shop answers GET /healthz with 200. `cargo leptos end-to-end` runs the
// suite right after starting the server, which first migrates the database.
export default async function waitForShop(config: FullConfig): Promise<void> {
  const baseURL =
    config.projects[0]?.use.baseURL ??
    process.env.WINKEL_E2E_URL ??
    `http://${process.env.LEPTOS_SITE_ADDR || '127.0.0.1:3000'}`;
  const url = new URL('/healthz', baseURL).toString();
  const seconds = Number(process.env.WINKEL_E2E_WAIT_SECONDS ?? '120');
  const until = Date.now() + seconds * 1000;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`the shop at ${baseURL} did not answer ${url} within ${seconds} s (${last})`);
}
