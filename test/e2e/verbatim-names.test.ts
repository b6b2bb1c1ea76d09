// Names people chose are shown as they wrote them. Small-caps section labels (CSS `text-transform:
// uppercase`) once turned a study called "Pilot-iOS" into "PILOT-IOS" in the evaluator's queue — a
// different-looking name, and in some languages a different word (German ß becomes SS, Turkish ı
// and i both become I). Every screen that shows a study, condition, evaluator or task name is
// walked, and every piece of text holding one of them must be shown untransformed.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { exportPack, importPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../electron/backend/studies/results.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import type { ReviewEvent } from '../../shared/review/events.js';
import { useBrowserMode } from '../helpers/browser-mode.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const names = {
  study: 'Pilot-iOS',
  condition: 'withCritic',
  evaluator: 'ann',
  evaluatorName: 'Ann deLisle',
  task: 'Straßen memo for iPhone',
};

/** Text nodes holding one of `markers` whose element transforms its case: "text → transform". */
function transformed(page: Page, markers: readonly string[]): Promise<string[]> {
  return page.evaluate((markers) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.nodeValue ?? '';
      if (!markers.some((m) => text.includes(m))) continue;
      const style = getComputedStyle(n.parentElement!);
      if (style.textTransform !== 'none' || style.fontVariantCaps !== 'normal') out.push(`${text.trim()} → ${style.textTransform} ${style.fontVariantCaps}`);
    }
    return out;
  }, markers);
}

/** How many text nodes hold one of `markers` (so that the check above has something to check). */
function shown(page: Page, markers: readonly string[]): Promise<number> {
  return page.evaluate((markers) => {
    let count = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (markers.some((m) => (n.nodeValue ?? '').includes(m))) count++;
    return count;
  }, markers);
}

describe('names are shown as written (Chromium)', () => {
  const problems: string[] = [];
  const dir = tempDir();
  let item = 0;
  let evaluatorServer: ServerProcess | undefined;
  // the researcher's database (served by useBrowserMode): the tasks, the study, ann's results merged;
  // ann's own (a second server): the pack, one item submitted
  const env = useBrowserMode((dbPath) => {
    const db = openDatabase(dbPath);
    importTasks(
      db,
      [1, 2].map((i) => ({ id: `memo-${i}`, kind: 'summary', title: `${names.task} ${i}`, output: `A summary, number ${i}.`, critiques: [{ id: 'c1', text: 'A critique.' }] })),
    );
    createStudy(db, { name: names.study, conditions: [{ name: names.condition, policy: 'all' }], evaluators: [{ id: names.evaluator, displayName: names.evaluatorName }], overlap: 1, seed: 1 });
    const ann = openDatabase(path.join(dir, 'ann.db'));
    importPack(ann, exportPack(db, names.study, names.evaluator).content, 'ann.assay-pack.json');
    const queue = getQueue(ann, names.evaluator).filter((q) => q.study === names.study);
    item = queue[1]!.id;
    let t = Date.now() - 60_000;
    const begun = beginReview(ann, names.evaluator, queue[0]!.id, t);
    let seq = begun.review.events.length;
    for (const event of [{ type: 'decision-recorded', critique: begun.shown![0]!, verdict: 'accept' }, { type: 'rating-set', rating: 5 }, { type: 'submitted' }] as ReviewEvent[]) {
      t += 1000;
      seq = recordEvent(ann, { evaluator: names.evaluator, review: begun.review.id, expectedSeq: seq, clientEventId: `v-${seq}-xxxxxxxx`, clientTime: t, event }, t).seq;
    }
    importResults(db, [{ fileName: 'ann.json', content: exportResults(ann, {}, t).content }]);
    ann.close();
    db.close();
  });
  beforeAll(async () => {
    evaluatorServer = await startServe(path.join(dir, 'ann.db'));
  });
  afterAll(() => evaluatorServer?.stop());

  async function visit(url: string, hash: string, ready: (page: Page) => Promise<unknown>): Promise<{ transformed: string[]; shown: number }> {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(url);
    await page.evaluate((id) => localStorage.setItem('assay.evaluator', id), names.evaluator);
    await page.goto(`${url}${hash}`);
    await page.reload(); // the evaluator is read at start
    await ready(page);
    const markers = Object.values(names).filter((m) => m !== names.evaluator);
    const result = { transformed: await transformed(page, markers), shown: await shown(page, markers) };
    await page.close();
    return result;
  }

  const study = encodeURIComponent(names.study);
  const screens: readonly (readonly [string, 'evaluator' | 'researcher', () => string, (p: Page) => Promise<void>])[] = [
    ["the evaluator's queue", 'evaluator', () => '#/review', (p: Page) => p.getByRole('heading', { name: 'Your queue' }).waitFor()],
    ['an item of the study', 'evaluator', () => `#/review/${item}`, (p: Page) => p.getByRole('heading', { name: new RegExp(names.task) }).first().waitFor()],
    ["the evaluator's studies (packs opened)", 'evaluator', () => '#/studies', (p: Page) => p.getByText(names.study).first().waitFor()],
    ['the list of studies', 'researcher', () => '#/studies', (p: Page) => p.getByText(names.study).first().waitFor()],
    ['the study', 'researcher', () => `#/studies/${study}`, (p: Page) => p.getByRole('heading', { name: 'Assignment' }).waitFor()],
    ['the analysis', 'researcher', () => `#/analysis/${study}`, (p: Page) => p.getByRole('region', { name: `Condition ${names.condition}` }).waitFor()],
    ['the matching of reports to flaws', 'researcher', () => `#/analysis/${study}/matching`, (p: Page) => p.getByRole('listbox', { name: 'Reports' }).waitFor()],
    ['the task browser', 'researcher', () => '#/tasks', (p: Page) => p.getByText(`${names.task} 1`).first().waitFor()],
  ];
  it.each(screens)('%s', async (_, who, hash, ready) => {
    const seen = await visit(who === 'evaluator' ? evaluatorServer!.url : env.server.url, hash(), ready);
    expect(seen.shown).toBeGreaterThan(0);
    expect(seen.transformed).toEqual([]);
    expect(problems).toEqual([]);
  });
});
