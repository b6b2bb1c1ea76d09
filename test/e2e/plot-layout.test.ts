import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importResults } from '../../electron/backend/studies/results.js';
import { createStudy, getStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { CALIBRATION_QUESTION, calibrationRecords, calibrationTasks, syntheticConditions, syntheticEvaluators, syntheticRecords, syntheticTasks } from '../backend/analysis/study-fixture.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Every dashboard plot at the smallest and the largest card width, with long condition names, long
// flaw categories and lines ending close together (issue #12: "Detection by queue position" printed
// its series labels on top of each other, "Catch rate by category" cut long names): no two labels
// overlap, no label leaves its plot, and a label cut short keeps its full text as a title.

/** Long names, as researchers write them (condition names: letters, digits, "_", "." or "-"). */
const longConditions: Readonly<Record<string, string>> = {
  unassisted: 'unassisted',
  assisted: 'assisted-with-every-critique-shown',
  'valid-only': 'valid-critiques-only-without-decoys',
};
const longCategories = ['factual accuracy of figures and dates', 'unsupported claims attributed to critics', 'coverage of the source document'];

function seed(dbPath: string): void {
  const db = openDatabase(dbPath);
  const tasks = syntheticTasks(24).map((t, i) => ({
    ...t,
    flaws: t.flaws.map((f, j) => ({ ...f, category: longCategories[(i + j) % longCategories.length]! })),
  }));
  importTasks(db, tasks);
  createStudy(db, {
    name: 'layout',
    tasks: tasks.map((t) => t.id),
    conditions: syntheticConditions.split(',').map((c) => ({ name: longConditions[c.split(':')[0]!]!, policy: c.split(':')[1]! })),
    evaluators: syntheticEvaluators.map((id) => ({ id })),
    overlap: 6,
    seed: 7,
  });
  // the simulation decides by the short names; the records carry the long ones
  const short = new Map(Object.entries(longConditions).map(([s, l]) => [l, s]));
  const assignments = getStudy(db, 'layout').assignments.map((a) => ({ ...a, condition: short.get(a.condition)! }));
  const content = syntheticRecords('layout', assignments)
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as { condition: string };
      return JSON.stringify({ ...r, condition: longConditions[r.condition] });
    })
    .join('\n');
  const [report] = importResults(db, [{ fileName: 'layout.jsonl', content }]);
  db.close();
  if (report?.status !== 'merged') throw new Error(`seed: ${report?.error ?? 'no report'}`);
}

/** A study with the long names that asks the yes/no question: the reliability plot's facets. */
function seedQuestion(dbPath: string): void {
  const db = openDatabase(dbPath);
  const tasks = calibrationTasks(24, 51, 'lq');
  importTasks(db, tasks);
  createStudy(db, {
    name: 'layout-q',
    tasks: tasks.map((t) => t.id),
    conditions: syntheticConditions.split(',').map((c) => ({ name: longConditions[c.split(':')[0]!]!, policy: c.split(':')[1]! })),
    evaluators: syntheticEvaluators.map((id) => ({ id })),
    overlap: 6,
    seed: 7,
    settings: { question: CALIBRATION_QUESTION },
  });
  const short = new Map(Object.entries(longConditions).map(([s, l]) => [l, s]));
  const assignments = getStudy(db, 'layout-q').assignments.map((a) => ({ ...a, condition: short.get(a.condition)! }));
  const flawed = new Set(tasks.filter((t) => t.flaws.length > 0).map((t) => t.id));
  const content = calibrationRecords('layout-q', assignments, flawed)
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as { condition: string };
      return JSON.stringify({ ...r, condition: longConditions[r.condition] });
    })
    .join('\n');
  const [report] = importResults(db, [{ fileName: 'layout-q.jsonl', content }]);
  db.close();
  if (report?.status !== 'merged') throw new Error(`seedQuestion: ${report?.error ?? 'no report'}`);
}

/** What the page measured in one plot. */
interface PlotReport {
  readonly title: string;
  readonly width: number;
  readonly labels: number;
  readonly outside: string[];
  readonly overlaps: string[];
  readonly cutWithoutTitle: string[];
}

/** Measures every plot on the page: labels outside the SVG, overlapping labels, cut labels without a title. */
async function measure(page: Page): Promise<PlotReport[]> {
  return page.evaluate(() => {
    const shown = (t: SVGTextElement): string =>
      Array.from(t.childNodes)
        .filter((n) => n.nodeName !== 'title')
        .map((n) => n.textContent ?? '')
        .join(' ')
        .trim();
    return Array.from(document.querySelectorAll<HTMLElement>('figure.plot-figure')).map((figure) => {
      const title = figure.getAttribute('aria-label') ?? '';
      const host = figure.querySelector<HTMLElement>('.plot-host')!;
      const svg = host.querySelector<SVGSVGElement>(':scope > svg');
      if (!svg) return { title, width: host.clientWidth, labels: 0, outside: [], overlaps: [], cutWithoutTitle: [] };
      const box = svg.getBoundingClientRect();
      const texts = Array.from(svg.querySelectorAll<SVGTextElement>('text')).filter((t) => shown(t) !== '');
      const rects = texts.map((t) => t.getBoundingClientRect());
      const outside: string[] = [];
      const overlaps: string[] = [];
      const cutWithoutTitle: string[] = [];
      const tolerance = 0.5;
      texts.forEach((t, i) => {
        const r = rects[i]!;
        if (r.left < box.left - tolerance || r.right > box.right + tolerance || r.top < box.top - tolerance || r.bottom > box.bottom + tolerance) {
          outside.push(`"${shown(t)}" [${Math.round(r.left - box.left)}, ${Math.round(r.right - box.left)}] of ${Math.round(box.width)}`);
        }
        if (shown(t).endsWith('…') && !t.querySelector('title')) cutWithoutTitle.push(shown(t));
        for (let j = i + 1; j < texts.length; j++) {
          const q = rects[j]!;
          // glyph boxes include the font's ascent and descent: a line's worth of overlap is a collision
          const dx = Math.min(r.right, q.right) - Math.max(r.left, q.left);
          const dy = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
          if (dx > 1 && dy > 3) overlaps.push(`"${shown(t)}" × "${shown(texts[j]!)}"`);
        }
      });
      return { title, width: host.clientWidth, labels: texts.length, outside, overlaps, cutWithoutTitle };
    });
  });
}

describe('dashboard plots fit their labels at every card width (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];

  beforeAll(async () => {
    const dbPath = tempDbPath();
    seed(dbPath);
    seedQuestion(dbPath);
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  // The plot grid's cards are 440 px or wider, one more column as soon as it fits: the smallest card
  // is at the width where two columns just fit, the largest one pixel below it.
  const TWO_COLUMNS = 2 * 440 + 12;
  async function openAt(page: Page, grid: (w: number) => boolean): Promise<number> {
    await page.goto(`${server.url}#/analysis/layout`);
    const gridWidth = (): Promise<number> => page.locator('.plot-grid').evaluate((e) => e.clientWidth);
    await page.locator('.plot-grid').waitFor();
    let viewport = 1400 - (await gridWidth()) + TWO_COLUMNS - (grid(TWO_COLUMNS) ? 0 : 1);
    for (let tries = 0; tries < 60; tries++) {
      await page.setViewportSize({ width: viewport, height: 900 });
      const w = await gridWidth();
      if (grid(w)) return viewport;
      viewport += w < TWO_COLUMNS ? 1 : -1;
    }
    throw new Error('no window width gives the wanted grid');
  }

  for (const [name, grid, card] of [
    ['smallest', (w: number) => w >= TWO_COLUMNS, (w: number) => w <= 420],
    ['largest', (w: number) => w < TWO_COLUMNS, (w: number) => w >= 850],
  ] as const) {
    it(`at the ${name} card width every plot's labels are inside it, apart, and titled when cut`, async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      watchProblems(page, problems);
      const viewport = await openAt(page, grid);
      for (const title of ['Flaws reported and caught per review', 'Over-reliance', 'Catch rate by severity', 'Catch rate by category', 'Critique fate', 'Active time per review', 'Per-evaluator uplift', 'Detection by queue position']) {
        await page.getByRole('figure', { name: title }).locator('.plot-host > svg').waitFor();
      }
      await page.waitForTimeout(200); // a resize redraws the plots
      const reports = await measure(page);
      // ASSAY_PLOT_SHOTS=DIR saves every plot, light and dark, to look at
      const shots = process.env['ASSAY_PLOT_SHOTS'];
      if (shots) {
        fs.mkdirSync(shots, { recursive: true });
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          for (const [i, figure] of (await page.locator('figure.plot-figure').all()).entries()) {
            await figure.scrollIntoViewIfNeeded();
            await figure.screenshot({ path: path.join(shots, `${name}-${viewport}-${scheme}-${i + 1}.png`) });
          }
        }
      }
      expect(reports).toHaveLength(8);
      for (const r of reports) {
        expect(card(r.width), `${r.title}: plot width ${r.width}`).toBe(true);
        expect(r.labels, r.title).toBeGreaterThan(3);
      }
      const wrong = reports.filter((r) => r.outside.length + r.overlaps.length + r.cutWithoutTitle.length > 0);
      expect(wrong.map((r) => ({ title: r.title, outside: r.outside, overlaps: r.overlaps, cutWithoutTitle: r.cutWithoutTitle }))).toEqual([]);
      // the long names are there: whole where the card is wide enough, else cut with a title
      const category = page.getByRole('figure', { name: 'Catch rate by category' });
      for (const name of longCategories) expect(await category.locator('text', { hasText: name.slice(0, 12) }).count()).toBeGreaterThan(0);
      const position = page.getByRole('figure', { name: 'Detection by queue position' });
      for (const name of Object.values(longConditions)) expect(await position.locator('text', { hasText: name.slice(0, 8) }).count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
  it('the reliability plot fits its facet names and counts, one or two per row, at narrow and wide widths', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    // 1180 px: the card and the plot side by side, the plot at its narrowest (bare counts, three
    // ticks); 1400 px: side by side, wider; 900 px: the plot below the card, across the width
    for (const width of [1180, 1400, 900]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}#/analysis/layout-q`);
      await page.getByRole('figure', { name: 'Reliability' }).locator('.plot-host > svg').waitFor();
      await page.waitForTimeout(200);
      const report = (await measure(page)).find((r) => r.title === 'Reliability')!;
      expect(report.labels, `${width}`).toBeGreaterThan(10);
      expect({ width, outside: report.outside, overlaps: report.overlaps, cutWithoutTitle: report.cutWithoutTitle }).toEqual({ width, outside: [], overlaps: [], cutWithoutTitle: [] });
      const plot = page.getByRole('figure', { name: 'Reliability' });
      for (const name of Object.values(longConditions)) expect(await plot.locator('text', { hasText: name.slice(0, 8) }).count(), `${width}: ${name}`).toBeGreaterThan(0);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
