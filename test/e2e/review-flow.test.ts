import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Item after item: the next item is prefetched (code: rendered off screen) and shown on submit.

const code = (id: string, base: string | undefined, marker: string) => ({
  id,
  kind: 'code',
  title: `Code ${id}`,
  language: 'python',
  ...(base !== undefined ? { base } : {}),
  output: Array.from({ length: 60 }, (_, i) => `x_${i} = ${i}  # ${marker}`).join('\n'),
  critiques: [
    { id: 'c1', text: `${marker} first`, anchor: { lines: [3, 4] } },
    { id: 'c2', text: `${marker} second`, anchor: { lines: [40, 40] } },
  ],
});

describe('review flow (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [
      code('k1', Array.from({ length: 60 }, (_, i) => `x_${i} = ${i}`).join('\n'), 'alpha'),
      code('k2', Array.from({ length: 60 }, (_, i) => `x_${i} = ${i + 1}`).join('\n'), 'beta'),
      code('k3', undefined, 'gamma'),
      { id: 's1', kind: 'summary', title: 'Last summary', output: 'Done.', context: { document: 'Doc.' } },
    ]);
    createEvaluator(db, 'Flo');
    ensurePracticeQueue(db, 'flo');
    expect(getQueue(db, 'flo')).toHaveLength(4);
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('submits item after item by keyboard; each next code item shows its own code and critiques', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Flo' }).click();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.keyboard.press('Enter');
    for (const [id, marker] of [
      ['k1', 'alpha'],
      ['k2', 'beta'],
      ['k3', 'gamma'],
    ] as const) {
      await page.getByRole('heading', { name: `Code ${id}` }).waitFor();
      await expect.poll(() => page.locator('.ws-code .view-line').filter({ hasText: marker }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('.ws-code .view-line').filter({ hasText: /alpha|beta|gamma/ }).filter({ hasNotText: marker }).count()).toBe(0);
      await expect.poll(() => page.locator('.ws-code .cq-glyph').count()).toBeGreaterThan(0);
      await page.getByText(`${marker} first`).waitFor();
      await page.waitForTimeout(1500); // time for the next item's prefetch and off-screen render
      await page.keyboard.press('a');
      await page.keyboard.press('4');
      await page.keyboard.press('Control+Enter');
    }
    await page.getByRole('heading', { name: 'Last summary' }).waitFor();
    const queue = (await (await fetch(`${server.url}api/review:queue`, { method: 'POST', body: '{"evaluator":"flo"}' })).json()) as {
      value: { items: { taskId: string; status: string }[] };
    };
    expect(queue.value.items.map((q) => q.status)).toEqual(['submitted', 'submitted', 'submitted', 'open']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
