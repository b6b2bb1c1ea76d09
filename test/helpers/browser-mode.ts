import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { startServe, type ServerProcess } from './server.js';
import { tempDbPath } from './temp.js';

/**
 * Browser mode and a Chromium for one describe block; stopped after it. The database is fresh, or
 * what `prepare` makes of a fresh database path before the server opens it (tasks, studies,
 * evaluators, through the back end or the CLI).
 */
export function useBrowserMode(prepare?: (dbPath: string) => void | Promise<void>): { readonly server: ServerProcess; readonly browser: Browser } {
  const ctx = {} as { server: ServerProcess; browser: Browser };
  beforeAll(async () => {
    const dbPath = tempDbPath();
    await prepare?.(dbPath);
    ctx.server = await startServe(dbPath);
    ctx.browser = await launchChromium();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
