import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importFile } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { startServe } from '../../test/helpers/server.js';
import type { BenchSection } from '../section.js';

const TASKS = 100_000;

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 2 ** 20;
}

/** The renderer's JS heap with a 100k-task study open: the evaluator's queue and the study screen. */
export const heapSection: BenchSection = {
  name: 'renderer heap, 100k-task study',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-heap-'));
    try {
      const file = path.join(dir, 'tasks.jsonl');
      const out = fs.createWriteStream(file);
      for (let i = 0; i < TASKS; i++) {
        const output = `Summary ${i}: the council closed the footbridge for repairs after an inspection found corrosion.`;
        out.write(`${JSON.stringify({ id: `t${i}`, kind: 'summary', title: `Task ${i}`, output, critiques: [{ id: 'c1', text: 'Check the duration.', score: 0.5 }] })}\n`);
      }
      await new Promise<void>((resolve) => out.end(resolve));
      const dbPath = path.join(dir, 'heap.db');
      const db = openDatabase(dbPath);
      const report = importFile(db, file);
      if (report.errorCount) throw new Error(report.errors.join('\n'));
      createStudy(db, {
        name: 'big',
        conditions: [
          { name: 'unassisted', policy: 'none' },
          { name: 'assisted', policy: 'all' },
        ],
        evaluators: [{ id: 'ann' }],
        overlap: 1,
        seed: 1,
        reviewHere: true, // ann reviews here: her queue holds the 100k study items
      });
      db.close();

      const server = await startServe(dbPath);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.addInitScript({ content: "window.localStorage.setItem('assay.evaluator', 'ann');" });
        await page.goto(`${server.url}#/review`);
        await page.locator('a[href^="#/review/"]').first().waitFor({ timeout: 120_000 });
        await page.waitForTimeout(1000);
        const queueHeap = await heapMb(page);
        await page.goto(`${server.url}#/studies/big`);
        await page.getByRole('heading', { name: /big/ }).first().waitFor({ timeout: 120_000 });
        await page.waitForTimeout(1000);
        const studyHeap = await heapMb(page);
        return [
          { name: 'evaluator queue (100k items) JS heap', value: queueHeap, unit: 'MB', goal: '≤ 150 MB', pass: queueHeap <= 150 },
          { name: 'study screen (100k tasks) JS heap', value: studyHeap, unit: 'MB', goal: '≤ 150 MB', pass: studyHeap <= 150 },
        ];
      } finally {
        await browser.close();
        await server.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
