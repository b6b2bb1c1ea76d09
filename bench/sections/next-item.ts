import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { startServe } from '../../test/helpers/server.js';
import type { BenchSection } from '../section.js';
import { percentile } from '../stats.js';

/** A small deterministic generator (LCG), so every run measures the same tasks. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const words = 'the of council river bridge repair grant budget summer winter people market report figure study trial result evidence claim quote review model'.split(' ');

/** A code diff: 2,000 lines of base, ~5% of them changed in the output, 50 line critiques. */
export function syntheticCodeTask(id: string, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const base: string[] = [];
  for (let i = 0; i < 2000; i++) base.push(i % 40 === 0 ? `def f_${i}(x, y):` : `    v_${i} = x * ${Math.floor(r() * 100)} + y  # ${words[i % words.length]}`);
  const output = base.map((l) => (r() < 0.05 ? l.replace('x *', 'x -') + ' # changed' : l));
  const critiques = Array.from({ length: 50 }, (_, k) => {
    const first = 1 + Math.floor(r() * 1990);
    return { id: `c${k + 1}`, text: `Line ${first}: this arithmetic looks wrong (${k}).`, anchor: { lines: [first, first + Math.floor(r() * 4)] }, severity: 'minor' };
  });
  return { id, kind: 'code', title: `Synthetic diff ${id}`, language: 'python', base: `${base.join('\n')}\n`, output: `${output.join('\n')}\n`, critiques };
}

/** A summary of a 50,000-word document with 20 anchored critiques and evidence. */
export function syntheticSummaryTask(id: string, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const paragraphs: string[] = [];
  let count = 0;
  let p = 0;
  while (count < 50_000) {
    const n = 60 + Math.floor(r() * 80);
    const para = Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join(' ');
    paragraphs.push(`Evidence marker ${p}: ${para}.`);
    count += n + 3;
    p++;
  }
  const output = Array.from({ length: 20 }, (_, k) => `Claim number ${k} says the ${words[k]} changed.`).join(' ');
  const critiques = Array.from({ length: 20 }, (_, k) => ({
    id: `c${k + 1}`,
    text: `Claim ${k} is not supported by the document.`,
    anchor: { quote: `Claim number ${k} says` },
    evidence: [{ anchor: { quote: `Evidence marker ${Math.floor(r() * p)}:` } }],
  }));
  return { id, kind: 'summary', title: `Synthetic long document ${id}`, output, context: { query: 'Summarise.', document: paragraphs.join('\n\n') }, critiques };
}

/**
 * In Chromium: the time from asking for the next queue item to its workspace being on screen
 * (content rendered, code decorations set, one frame painted), with the app's prefetch working as
 * it does for an evaluator who spends a moment on each item.
 */
export const nextItemSection: BenchSection = {
  name: 'review: next item',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-next-'));
    const dbPath = path.join(dir, 'bench.db');
    const perKind = 21; // 20 transitions per kind: the p95 is then the 19th value, not the maximum
    const db = openDatabase(dbPath);
    const tasks: Record<string, unknown>[] = [];
    for (let i = 0; i < perKind; i++) {
      tasks.push(syntheticCodeTask(`code-${i}`, 100 + i));
      tasks.push(syntheticSummaryTask(`doc-${i}`, 200 + i));
    }
    importTasks(db, tasks);
    createEvaluator(db, 'Bench');
    ensurePracticeQueue(db, 'bench');
    const queue = getQueue(db, 'bench');
    db.close();

    const server = await startServe(dbPath);
    const browser = await launchChromium();
    const times: Record<'code' | 'summary', number[]> = { code: [], summary: [] };
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.url);
      await page.evaluate("localStorage.setItem('assay.evaluator', 'bench')");
      await page.goto(`${server.url}#/review/${queue[0]!.id}`);
      await page.reload();
      await page.locator(`[data-review-item="${queue[0]!.id}"]`).waitFor();
      for (let i = 1; i < queue.length; i++) {
        const item = queue[i]!;
        await page.waitForTimeout(2500); // the evaluator looks at the current item (for seconds, really); prefetch runs
        const prep = process.env['ASSAY_BENCH_VERBOSE'] ? await page.evaluate("document.querySelectorAll('.code-view-offscreen .code-view-editor').length") : 0;
        // A string, not a function: tsx would wrap inner functions in a helper the page lacks.
        const ms = (await page.evaluate(`new Promise((resolve) => {
          const started = performance.now();
          const ready = () => {
            const ws = document.querySelector('[data-review-item="${item.id}"]');
            if (!ws) return false;
            return ${item.kind === 'code'} ? ws.querySelector('[data-code-ready] .cq-glyph') !== null : ws.querySelector('.chunked-text .chunk') !== null;
          };
          const check = () => (ready() ? requestAnimationFrame(() => resolve(performance.now() - started)) : setTimeout(check, 1));
          window.location.hash = '#/review/${item.id}';
          check();
        })`)) as number;
        times[item.kind].push(ms);
        if (process.env["ASSAY_BENCH_VERBOSE"]) process.stderr.write(`${item.kind} ${ms.toFixed(1)} prepared=${prep}\n`);
      }
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const figures = (['code', 'summary'] as const).flatMap((kind) => {
      const label = kind === 'code' ? '2,000-line diff, 50 critiques' : '50,000-word document';
      const p95 = percentile(times[kind], 0.95);
      return [
        { name: `next item p50 (${label})`, value: percentile(times[kind], 0.5), unit: 'ms' },
        { name: `next item p95 (${label})`, value: p95, unit: 'ms', goal: '≤ 100 ms', pass: p95 <= 100 },
      ];
    });
    return figures;
  },
};
