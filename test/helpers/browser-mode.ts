import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { startServe, type ServerProcess } from './server.js';
import { tempDbPath } from './temp.js';

/** Browser mode on a fresh database and a Chromium, for one describe block; stopped after it. */
export function useBrowserMode(): { readonly server: ServerProcess; readonly browser: Browser } {
  const ctx = {} as { server: ServerProcess; browser: Browser };
  beforeAll(async () => {
    ctx.server = await startServe(tempDbPath());
    ctx.browser = await launchChromium();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
