// Adjudicating by keyboard on the matching screen (issue #12): the output with the chosen flaw and
// the report highlighted, match / no match / next from the key table, progress, filters, the
// evaluator's own text for an edited critique, and a page that stays where it is after a ruling.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticConditions, syntheticEvaluators, syntheticRecords, syntheticTasks } from '../backend/analysis/study-fixture.js';
import { cliOk } from '../helpers/cli.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const EDIT = 'EDITED BY THE EVALUATOR: the source says 5 percent, not 10.';

describe('matching by keyboard (Chromium)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'researcher.db');
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];
  let edited: { evaluator: string; task: string };

  beforeAll(async () => {
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${syntheticTasks(6).map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cliOk('import', tasksFile, '--db', db);
    await cliOk('study', 'create', '--name', 'm', '--conditions', syntheticConditions, '--evaluators', syntheticEvaluators.join(','), '--overlap', '3', '--seed', '5', '--db', db);
    const shown = JSON.parse(await cliOk('study', 'show', 'm', '--json', '--db', db)) as { assignments: { evaluator: string; task: string; condition: string }[] };
    // one evaluator edited the critique they accepted: the screen must show their text, not the model's
    const lines = syntheticRecords('m', shown.assignments)
      .split('\n')
      .map((l) => JSON.parse(l) as { task: string; evaluator: string; decisions: { critique: string; verdict: string; edited_text?: string }[] });
    const target = lines.find((r) => r.decisions.some((d) => d.critique === 'c1' && d.verdict === 'accept'))!;
    target.decisions.find((d) => d.critique === 'c1' && d.verdict === 'accept')!.edited_text = EDIT;
    edited = { evaluator: target.evaluator, task: target.task };
    const recordsFile = path.join(dir, 'records.jsonl');
    fs.writeFileSync(recordsFile, lines.map((l) => JSON.stringify(l)).join('\n'));
    await cliOk('results', 'import', recordsFile, '--db', db);
    server = await startServe(db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const progress = async (page: Page): Promise<[number, number]> => {
    const text = (await page.getByRole('status').filter({ hasText: 'reports ruled' }).textContent()) ?? '';
    const m = /^([\d,]+) of ([\d,]+) reports ruled/.exec(text)!;
    return [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))];
  };
  const current = (page: Page) => page.getByRole('listbox', { name: 'Reports' }).getByRole('option', { selected: true });

  it('rules report after report with m, n and j; progress counts; the page never moves', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/analysis/m/matching`);
    await page.getByRole('listbox', { name: 'Reports' }).waitFor();
    const [ruled0, total] = await progress(page);
    expect(ruled0).toBe(0);
    expect(total).toBeGreaterThan(10);

    // the first report is current; the output is shown with the chosen flaw and the report highlighted
    const first = (await current(page).getAttribute('aria-label'))!;
    expect(first).toMatch(/ on Synthetic summary 1 \(syn-01\)$/);
    const output = page.getByRole('region', { name: 'Output', exact: true });
    await output.locator('mark.om-flaw').first().waitFor();
    expect(await output.textContent()).toContain('It says the figure was 10 percent.');
    const scroll = (): Promise<[number, number]> => page.evaluate(() => [window.scrollY, document.querySelector('.app-main')!.scrollTop]);
    const before = await scroll();

    // m: match with the chosen flaw, then the next report
    await page.keyboard.press('m');
    await expect.poll(() => progress(page)).toEqual([1, total]);
    const second = (await current(page).getAttribute('aria-label'))!;
    expect(second).not.toBe(first);
    expect(await scroll()).toEqual(before);
    // n: none of the flaws, then the next
    await page.keyboard.press('n');
    await expect.poll(() => progress(page)).toEqual([2, total]);
    // j / k move without ruling
    const third = (await current(page).getAttribute('aria-label'))!;
    await page.keyboard.press('j');
    await expect.poll(async () => current(page).getAttribute('aria-label')).not.toBe(third);
    await page.keyboard.press('k');
    await expect.poll(async () => current(page).getAttribute('aria-label')).toBe(third);
    // 2 chooses the second flaw (the buttons say so), m matches it
    await page.keyboard.press('2');
    await page.getByRole('button', { name: /^2 f2 / }).and(page.locator('[aria-pressed="true"]')).waitFor();
    await page.keyboard.press('m');
    await expect.poll(() => progress(page)).toEqual([3, total]);
    expect(await scroll()).toEqual(before);

    // u: only the reports not yet ruled; the list shrinks by the three ruled
    const count = async (): Promise<number> => Number(((await page.getByText(/^[\d,]+ shown$/).textContent()) ?? '').split(' ')[0]!.replace(/,/g, ''));
    const all = await count();
    await page.keyboard.press('u');
    await expect.poll(count).toBe(all - 3);
    expect(await page.getByRole('combobox', { name: 'Show' }).inputValue()).toBe('unruled');
    // ruling in this view takes the report out and brings the next in its place
    const here = (await current(page).getAttribute('aria-label'))!;
    await page.keyboard.press('n');
    await expect.poll(count).toBe(all - 4);
    await expect.poll(async () => current(page).getAttribute('aria-label')).not.toBe(here);
    await page.keyboard.press('u');

    // the rulings are in the study's record
    const matches = (await cliOk('export', 'matches', '--study', 'm', '--format', 'jsonl', '--db', db))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { adjudication: string | null; flaw: string });
    expect(matches.filter((r) => r.adjudication === 'match').map((r) => r.flaw).sort()).toEqual(expect.arrayContaining(['f2']));
    expect(matches.filter((r) => r.adjudication !== null).length).toBeGreaterThanOrEqual(4);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by evaluator and condition, and shows an edited critique as the evaluator wrote it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/analysis/m/matching`);
    await page.getByRole('listbox', { name: 'Reports' }).waitFor();
    await page.getByRole('combobox', { name: 'Evaluator' }).selectOption(edited.evaluator);
    await page.getByRole('combobox', { name: 'Condition' }).selectOption('assisted');
    const rows = page.getByRole('listbox', { name: 'Reports' }).getByRole('option');
    await expect.poll(async () => (await rows.allTextContents()).every((t) => t.includes(`${edited.evaluator} · assisted`))).toBe(true);
    await page.getByRole('combobox', { name: 'Condition' }).selectOption('');
    const title = syntheticTasks(6).find((t) => t.id === edited.task)!.title;
    await page.getByRole('option', { name: `Accepted critique c1, edited by ${edited.evaluator} on ${title} (${edited.task})` }).click();
    const card = page.getByRole('region', { name: 'Report and flaws' });
    await card.getByText(EDIT).waitFor();
    expect(await card.textContent()).toMatch(/The model’s original: The figure is wrong: the source says \d+ percent\./);
    expect(problems).toEqual([]);
    await page.close();
  });
});

// Four tasks with one title (the real data has "[RF] Last Night Leftovers" four times): each report
// names its task's id beside the title, and at the smallest supported width (1024 px) nothing on the
// screen is cut: the id, the report's state, the flaws and the buttons all fit, and the page does not
// scroll sideways.
describe('matching: tasks of the same title, at the smallest width (Chromium)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'researcher.db');
  const TITLE = '[RF] Last Night Leftovers';
  const ids = ['cliff-xsum-rf-0113', 'cliff-xsum-rf-0287', 'cliff-xsum-rf-0419', 'cliff-xsum-rf-0522'];
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];

  beforeAll(async () => {
    const tasks = syntheticTasks(6).map((t, i) => (i < 4 ? { ...t, id: ids[i]!, title: TITLE } : t));
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${tasks.map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cliOk('import', tasksFile, '--db', db);
    await cliOk('study', 'create', '--name', 'same', '--conditions', syntheticConditions, '--evaluators', syntheticEvaluators.join(','), '--overlap', '3', '--seed', '5', '--db', db);
    const shown = JSON.parse(await cliOk('study', 'show', 'same', '--json', '--db', db)) as { assignments: { evaluator: string; task: string; condition: string }[] };
    const recordsFile = path.join(dir, 'records.jsonl');
    fs.writeFileSync(recordsFile, syntheticRecords('same', shown.assignments));
    await cliOk('results', 'import', recordsFile, '--db', db);
    server = await startServe(db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells the four apart by id, and at 1024 px cuts nothing: ids, states, flaws, buttons; no sideways scroll', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/analysis/same/matching`);
    const list = page.getByRole('listbox', { name: 'Reports' });
    await list.getByRole('option').first().waitFor();
    await page.getByRole('region', { name: 'Report and flaws' }).waitFor();

    // every report of a same-titled task carries its id in its name, and all four tasks are there
    const named = new Set<string>();
    const seenIds = new Set<string>();
    const measure = () =>
      page.evaluate(() => {
        const cut = (el: Element | null): boolean => !!el && el.scrollWidth > el.clientWidth + 0.5;
        const inside = (el: Element | null, box: DOMRect): boolean => {
          if (!el) return true;
          const r = el.getBoundingClientRect();
          return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
        };
        const rows = [...document.querySelectorAll('.report-row')].map((row) => {
          const box = row.getBoundingClientRect();
          const id = row.querySelector('.report-row-task .mono');
          const state = row.querySelector('.report-state');
          return {
            label: row.getAttribute('aria-label') ?? '',
            id: id?.textContent ?? null,
            idCut: cut(id) || !inside(id, box),
            stateCut: cut(state) || !inside(state, box),
            rowCut: cut(row),
          };
        });
        const side = document.querySelector('.matching-side')!;
        const sideBox = side.getBoundingClientRect();
        const sideCut = [...side.querySelectorAll('button, .gt-flaws li, .report-card, h3')].filter((el) => !inside(el, sideBox) || cut(el)).map((el) => el.textContent);
        const panes = [...document.querySelectorAll('.matching-panes > *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.className);
        const scroller = document.scrollingElement!;
        return { rows, sideCut, panes, sideways: scroller.scrollWidth > scroller.clientWidth, mainSideways: cut(document.querySelector('.app-main')), heading: document.querySelector('.matching-output h2')?.textContent ?? '' };
      });
    const first = await measure();
    expect(first.sideways, 'the page scrolls sideways').toBe(false);
    expect(first.mainSideways, 'the main area scrolls sideways').toBe(false);
    expect(first.panes, 'a pane reaches past the window').toEqual([]);
    expect(first.sideCut, 'cut in the report and flaws pane').toEqual([]);
    // walk through every report by keyboard (j), checking each row as it comes into view
    const total = Number(((await page.getByText(/^[\d,]+ shown$/).textContent()) ?? '').split(' ')[0]!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(20);
    for (let i = 0; i < total; i++) {
      const m = await measure();
      for (const row of m.rows) {
        expect({ row: row.label, idCut: row.idCut, stateCut: row.stateCut, rowCut: row.rowCut }).toEqual({ row: row.label, idCut: false, stateCut: false, rowCut: false });
        if (row.label.includes(TITLE)) {
          named.add(row.label.slice(row.label.lastIndexOf(' on ') + 4));
          expect(row.id).not.toBeNull();
          seenIds.add(row.id!);
        }
      }
      if (m.heading.startsWith(TITLE)) expect(ids.some((id) => m.heading.endsWith(id))).toBe(true);
      expect(m.sideCut, `cut in the side pane at report ${i + 1}`).toEqual([]);
      const before = await list.getByRole('option', { selected: true }).getAttribute('id');
      await page.keyboard.press('j');
      if (i < total - 1) await expect.poll(() => list.getByRole('option', { selected: true }).getAttribute('id')).not.toBe(before);
    }
    expect([...named].sort()).toEqual(ids.map((id) => `${TITLE} (${id})`));
    expect([...seenIds].sort()).toEqual(ids);
    expect(problems).toEqual([]);
    await page.close();
  });
});
