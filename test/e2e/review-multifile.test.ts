import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { exportReviewRecords } from '../../electron/backend/reviews/export.js';
import { createEvaluator, ensurePracticeQueue } from '../../electron/backend/reviews/repository.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import type { StudySettingsInput } from '../../shared/study/settings.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// A multi-file code task (task format 1.1) reviewed as a pull request, by keyboard only: the file
// list, ] and [ between files, j/k across files, decisions on the second file, an own flaw on old
// lines of a deleted file, submit; then what the server stored names the file of every anchor.

const lines = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1} = ${i + 1}`).join('\n') + '\n';
const changed = (text: string, at: readonly number[]): string =>
  text
    .split('\n')
    .map((l, i) => (at.includes(i + 1) ? `${l}  # changed` : l))
    .join('\n');

const task = {
  id: 'pr-1',
  kind: 'code',
  title: 'Pull request: rates',
  language: 'python',
  context: { problem: 'Make the rates module round half up.' },
  files: [
    { path: 'src/rates.py', base: lines('rate', 30), output: changed(lines('rate', 30), [4, 20]) },
    { path: 'src/util/round.py', base: lines('r', 40), output: changed(lines('r', 40), [10, 11, 30]) },
    { path: 'docs/NOTES.md', output: 'Rounding now goes half up.\n' },
    { path: 'src/legacy.py', base: lines('old', 12), output: '', deleted: true },
  ],
  critiques: [
    { id: 'c1', text: 'Rates: rate_4 is now off by one.', anchor: { path: 'src/rates.py', lines: [4, 4] } },
    { id: 'c2', text: 'Round: r_10 loses the sign.', anchor: { path: 'src/util/round.py', lines: [10, 11] } },
    { id: 'c3', text: 'Round: r_30 should stay as it was.', anchor: { path: 'src/util/round.py', lines: [30, 30], side: 'base' } },
    { id: 'c4', text: 'Legacy callers of old_3 break.', anchor: { path: 'src/legacy.py', lines: [3, 3], side: 'base' } },
  ],
};

const question = 'Does this change break a caller?';
const studySettings: StudySettingsInput = { rating: 'off', rejectReason: 'optional', decideAll: true, instructions: '# Review\n\nRead **every file**.', categories: ['logic', 'naming'], question, timeLimitSeconds: 3600, onTimeLimit: 'submit' };

interface StoredEvent {
  readonly type: string;
  readonly critique?: string;
  readonly verdict?: string;
  readonly reason?: string;
  readonly flaw?: { readonly id: string; readonly description: string; readonly anchor?: unknown };
}

describe('multi-file review as a pull request (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let dbPath: string;
  const problems: string[] = [];
  let item = 0;

  beforeAll(async () => {
    dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [task]);
    createEvaluator(db, 'Pat');
    ensurePracticeQueue(db, 'pat');
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
    const queue = (await api<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'pat' })).items;
    item = queue.find((q) => q.taskId === 'pr-1')!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function api<T>(op: string, input: unknown): Promise<T> {
    const r = (await (await fetch(`${server.url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as { ok: boolean; value: T; error?: { message: string } };
    if (!r.ok) throw new Error(`${op}: ${r.error?.message}`);
    return r.value;
  }

  const files = (page: Page) => page.getByRole('navigation', { name: 'Files' });
  const currentFile = async (page: Page): Promise<string> => (await files(page).locator('[aria-current="true"]').getAttribute('aria-label'))!;
  const selectedCritique = async (page: Page): Promise<string> => (await page.locator('.cq-card[aria-current="true"] .cq-text').innerText()).trim();
  /** The text of the diff on screen (the editor the workspace shows). */
  const shownCode = (page: Page) => page.locator('.code-view-editor.on-stage .view-line');

  it('moves between files and critiques by keyboard, decides on the second file, adds a flaw on old lines of a deleted file, submits', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Pat' }).click();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Pull request: rates' }).waitFor();

    // The file list: every file with its status and counts; the first critique's file is open.
    const rows = files(page).getByRole('button');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.evaluateAll((b) => b.map((x) => x.getAttribute('aria-label')))).toEqual([
      'src/rates.py, modified, 1 critique (1 undecided), 0 own flaws',
      'src/util/round.py, modified, 2 critiques (2 undecided), 0 own flaws',
      'docs/NOTES.md, new file, 0 critiques, 0 own flaws',
      'src/legacy.py, deleted, 1 critique (1 undecided), 0 own flaws',
    ]);
    expect(await currentFile(page)).toMatch(/^src\/rates\.py,/);
    expect(await selectedCritique(page)).toBe('Rates: rate_4 is now off by one.');
    await expect.poll(() => shownCode(page).filter({ hasText: 'rate_4 = 4  # changed' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The editor lives in a layer of its own, placed over the code pane: the pane owns it for
    // assistive technology, and editors kept off screen are hidden from it.
    const owned = await page.locator('.ws-change [data-code-ready]').getAttribute('aria-owns');
    expect(await page.locator(`#${owned}`).getAttribute('class')).toContain('on-stage');
    expect(await page.locator('.code-view-editor:not(.on-stage)').evaluateAll((n) => n.map((x) => x.getAttribute('aria-hidden')))).not.toContain(null);
    // (polled: the editor follows its host when the layout settles)
    await expect
      .poll(async () => {
        const [box, host] = await Promise.all([page.locator(`#${owned}`).boundingBox(), page.locator('.ws-change [data-code-ready]').boundingBox()]);
        return JSON.stringify(box) === JSON.stringify(host) ? 'placed' : `${JSON.stringify(box)} over ${JSON.stringify(host)}`;
      })
      .toBe('placed');
        // Critiques are grouped under their file in the panel.
    expect(await page.locator('.cq-file').allInnerTexts()).toEqual(['src/rates.py', 'src/util/round.py', 'src/legacy.py']);

    // The critic reads single-file tasks only: no "Ask the critic" here, and its key says why, asking nothing.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('review:askCritic')) asked.push(r.url());
    });
    expect(await page.getByRole('button', { name: 'Ask the critic' }).count()).toBe(0);
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('.ws-notice').innerText()).toContain('The critic reads tasks with one output only: it cannot be asked about a multi-file change.');
    expect(asked).toEqual([]);

    // ] opens the next file and selects its first open critique; its diff is on screen.
    await page.keyboard.press(']');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/util\/round\.py,/);
    expect(await selectedCritique(page)).toBe('Round: r_10 loses the sign.');
    await expect.poll(() => shownCode(page).filter({ hasText: 'r_10 = 10  # changed' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('.file-head').innerText()).toContain('src/util/round.py');

    // Accept the first critique of the second file; the selection moves to its next one (old side).
    await page.keyboard.press('a');
    await expect.poll(() => selectedCritique(page)).toBe('Round: r_30 should stay as it was.');
    // It is on an old line: the diff shows the old side (side by side, not inline), with its mark.
    await expect.poll(() => page.locator('.code-view-editor.on-stage .editor.original .cq-glyph').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('.code-view-editor.on-stage .editor.original .view-line').filter({ hasText: /^r_30\s=\s30$/ }).count()).toBe(1);
    // Reject it as incorrect.
    await page.keyboard.press('r');
    await page.keyboard.press('i');
    // The last critique is on the deleted file: the decision moved the view there.
    await expect.poll(() => currentFile(page)).toMatch(/^src\/legacy\.py, deleted/);
    expect(await selectedCritique(page)).toBe('Legacy callers of old_3 break.');
    // The counts follow the decisions.
    expect(await rows.nth(1).getAttribute('aria-label')).toBe('src/util/round.py, modified, 2 critiques, 0 own flaws');

    // k goes back across files; [ and ] step through the list, clamped at its ends.
    await page.keyboard.press('k');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/util\/round\.py,/);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/rates\.py,/);
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await expect.poll(() => currentFile(page)).toMatch(/^docs\/NOTES\.md, new file/);
    await expect.poll(() => shownCode(page).filter({ hasText: 'Rounding now goes half up.' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.keyboard.press(']');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/legacy\.py,/);

    // f: a flaw on this (deleted) file — only its old lines exist, so the form offers only that side.
    await page.keyboard.press('f');
    const form = page.getByRole('group', { name: 'New flaw' });
    await form.waitFor();
    expect(await form.getByLabel('File').inputValue()).toBe('src/legacy.py');
    expect(await form.getByLabel('Side').locator('option').allInnerTexts()).toEqual(['old (base)']);
    await page.keyboard.type('old_7 was the only caller of the rounding helper.');
    await page.keyboard.press('Tab'); // severity
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // major
    await page.keyboard.press('Tab'); // category
    await page.keyboard.press('Tab'); // file: stays src/legacy.py
    await page.keyboard.press('Tab'); // lines
    await page.keyboard.type('7');
    await page.keyboard.press('Control+Enter');
    await page.getByText('old_7 was the only caller of the rounding helper.').waitFor();
    expect(await page.locator('.own-flaw .own-meta').innerText()).toBe('major · src/legacy.py, old line 7');
    await expect.poll(() => rows.nth(3).getAttribute('aria-label')).toBe('src/legacy.py, deleted, 1 critique (1 undecided), 1 own flaw');
    // A deleted file is shown as its old text, every line marked deleted; the flaw's mark is on it.
    await expect.poll(() => page.locator('.code-view-editor.on-stage .cq-glyph.cq-own').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('.code-view-editor.on-stage .monaco-diff-editor').count()).toBe(0);
    await expect.poll(() => shownCode(page).filter({ hasText: /^old_7\s=\s7$/ }).count()).toBe(1);
    expect(await page.locator('.code-view-editor.on-stage .code-deleted-line').count()).toBeGreaterThan(5);

    // A second flaw, on another file and side chosen in the form: new line 2 of src/rates.py.
    await page.keyboard.press('f');
    await form.waitFor();
    await page.keyboard.type('rate_2 is never used.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // file
    await page.keyboard.press('Home'); // src/rates.py (the first)
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Tab'); // side: src/rates.py has both
    expect(await form.getByLabel('Side').locator('option').allInnerTexts()).toEqual(['new (output)', 'old (base)']);
    await page.keyboard.press('Control+Enter');
    await page.getByText('rate_2 is never used.').waitFor();

    await page.keyboard.press('5');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Saved');
    await page.keyboard.press('Control+Enter');
    // two critiques are still undecided (this practice queue does not require every one): confirm by key
    await page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' }).waitFor();
    await page.keyboard.press('y');
    await page.getByRole('heading', { name: 'Practice done' }).waitFor(); // the practice queue's one item

    // What the server stored: decisions on the second file, flaws whose anchors name their file.
    const view = await api<{ review: { status: string; events: { event: StoredEvent }[] } }>('review:view', { evaluator: 'pat', item });
    expect(view.review.status).toBe('submitted');
    const events = view.review.events.map((e) => e.event);
    const neutral = new Map<string, string>(); // the server's neutral critique ids, by text
    for (const c of (await api<{ critiques: { id: string; text: string }[] }>('review:view', { evaluator: 'pat', item })).critiques) neutral.set(c.text, c.id);
    expect(events.filter((e) => e.type === 'decision-recorded')).toEqual([
      { type: 'decision-recorded', critique: neutral.get('Round: r_10 loses the sign.'), verdict: 'accept' },
      { type: 'decision-recorded', critique: neutral.get('Round: r_30 should stay as it was.'), verdict: 'reject', reason: 'incorrect' },
    ]);
    expect(events.filter((e) => e.type === 'flaw-added').map((e) => e.flaw)).toEqual([
      { id: 'a1', description: 'old_7 was the only caller of the rounding helper.', severity: 'major', anchor: { lines: [7, 7], side: 'base', path: 'src/legacy.py' } },
      { id: 'a2', description: 'rate_2 is never used.', anchor: { lines: [2, 2], path: 'src/rates.py' } },
    ]);
    // …and the review record a researcher exports carries them with their paths.
    const db = openDatabase(dbPath);
    try {
      const record = exportReviewRecords(db).find((r) => r.task === 'pr-1')!;
      expect(record.added.map((f) => f.anchor)).toEqual([
        { lines: [7, 7], side: 'base', path: 'src/legacy.py' },
        { lines: [2, 2], path: 'src/rates.py' },
      ]);
    } finally {
      db.close();
    }
    expect(problems.join("\n")).toBe("");
    await page.close();
  });

  it('the file list works by mouse too, and a line range past the chosen file\u2019s end is refused naming it', async () => {
    const db = openDatabase(dbPath);
    importTasks(db, [{ ...task, id: 'pr-2', title: 'Pull request: second look' }]);
    ensurePracticeQueue(db, 'pat');
    db.close();
    const queue = (await api<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'pat' })).items;
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.evaluate("localStorage.setItem('assay.evaluator', 'pat')");
    await page.goto(`${server.url}#/review/${queue.find((q) => q.taskId === 'pr-2')!.id}`);
    await page.reload();
    await page.getByRole('heading', { name: 'Pull request: second look' }).waitFor();
    await files(page).getByRole('button', { name: /^docs\/NOTES\.md/ }).click();
    await expect.poll(() => currentFile(page)).toMatch(/^docs\/NOTES\.md, new file/);
    // A file without critiques keeps the selected critique; the diff shows the new file.
    await expect.poll(() => shownCode(page).filter({ hasText: 'Rounding now goes half up.' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Add flaw' }).click();
    const form = page.getByRole('group', { name: 'New flaw' });
    await form.getByLabel('Description').fill('Says nothing about negative rates.');
    expect(await form.getByLabel('Side').locator('option').allInnerTexts()).toEqual(['new (output)']);
    await form.getByLabel(/^Lines/).fill('3');
    await form.getByRole('button', { name: 'Save flaw' }).click();
    await form.getByRole('alert').filter({ hasText: 'Line 3 is past the end (1 line).' }).waitFor();
    await form.getByLabel(/^Lines/).fill('1');
    await form.getByRole('button', { name: 'Save flaw' }).click();
    await page.locator('.own-flaw').filter({ hasText: 'Says nothing about negative rates.' }).waitFor();
    expect(await page.locator('.own-flaw .own-meta').innerText()).toBe('docs/NOTES.md, line 1');
    expect(problems.join("\n")).toBe("");
    await page.close();
  });

  it('in a study with every setting: instructions first, a countdown, no rating, decide-all showing the undecided critique\u2019s file, the study\u2019s categories beside the file, the question', async () => {
    // every setting at once on a multi-file task (added now: the practice queue above stays as it was)
    const db = openDatabase(dbPath);
    importTasks(db, [{ ...task, id: 'pr-s', title: 'Pull request: in a study' }]);
    createStudy(db, { name: 'prs', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'pat' }], overlap: 1, seed: 1, tasks: ['pr-s'], settings: studySettings, reviewHere: true });
    db.close();
    const queue = (await api<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'pat' })).items;
    const studyItem = queue.find((q) => q.taskId === 'pr-s')!.id;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.evaluate("localStorage.setItem('assay.evaluator', 'pat')");
    await page.goto(`${server.url}#/review/${studyItem}`);
    await page.reload();
    const notice = page.locator('.ws-notice');

    // the instructions come first
    const dialog = page.getByRole('dialog', { name: 'Instructions for study prs' });
    await dialog.waitFor();
    expect(await dialog.locator('strong').innerText()).toBe('every file');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Pull request: in a study' }).waitFor();
    await page.getByRole('timer', { name: 'Time left for this item' }).waitFor();
    await expect.poll(() => files(page).getByRole('button').count()).toBe(4);

    // no rating, and its keys say so; no critic in a study
    expect(await page.getByRole('radiogroup', { name: /^Rating/ }).count()).toBe(0);
    await page.keyboard.press('5');
    await expect.poll(() => notice.innerText()).toContain('This study does not ask for a rating.');
    expect(await page.getByRole('button', { name: 'Ask the critic' }).count()).toBe(0);

    // the question, by keyboard
    await page.keyboard.press('y');
    for (let i = 0; i < 2; i++) await page.keyboard.press('+');
    await expect.poll(() => page.getByRole('radio', { name: '60 %' }).isChecked()).toBe(true); // the first + gives 50 %

    // decide on the second file, then submit: refused; the first undecided critique is shown, in its file
    await page.keyboard.press(']');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/util\/round\.py,/);
    await page.keyboard.press('a');
    await expect.poll(() => selectedCritique(page)).toBe('Round: r_30 should stay as it was.');
    await page.keyboard.press('r');
    await page.getByRole('group', { name: 'Why reject? (optional)' }).waitFor();
    await page.keyboard.press('x'); // no reason: optional in this study
    // the next critique is on the deleted file: the view follows it
    await expect.poll(() => selectedCritique(page)).toBe('Legacy callers of old_3 break.');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/legacy\.py, deleted/);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => notice.innerText()).toContain('This study asks you to accept or reject every critique before you submit');
    await expect.poll(() => selectedCritique(page)).toBe('Rates: rate_4 is now off by one.');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/rates\.py,/);
    await expect.poll(() => shownCode(page).filter({ hasText: 'rate_4 = 4  # changed' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    // a flaw: the study's categories and the file, side and lines of a change, by keyboard
    await page.keyboard.press('f');
    const form = page.getByRole('group', { name: 'New flaw' });
    await form.waitFor();
    expect(await form.getByLabel('Category (this study’s)').locator('option').allInnerTexts()).toEqual(['—', 'logic', 'naming']);
    expect(await form.getByLabel('File').inputValue()).toBe('src/rates.py');
    await page.keyboard.type('rate_20 changed without a test.');
    await page.keyboard.press('Tab'); // severity
    await page.keyboard.press('Tab'); // category
    await page.keyboard.press('ArrowDown'); // logic
    await page.keyboard.press('Tab'); // file: src/rates.py
    await page.keyboard.press('Tab'); // lines
    await page.keyboard.type('20');
    await page.keyboard.press('Control+Enter');
    await page.getByText('rate_20 changed without a test.').waitFor();
    expect(await page.locator('.own-flaw .own-meta').innerText()).toBe('logic · src/rates.py, line 20');
    await page.keyboard.press('a'); // rate_4 accepted

    // the one undecided critique is on the deleted file; from the file before it (no critiques of its
    // own, the selection kept), a refused submit shows that critique in its file again
    for (let i = 0; i < 3; i++) await page.keyboard.press(']');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/legacy\.py,/);
    await page.keyboard.press('[');
    await expect.poll(() => currentFile(page)).toMatch(/^docs\/NOTES\.md, new file/);
    expect(await selectedCritique(page)).toBe('Legacy callers of old_3 break.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => notice.innerText()).toContain('Showing critique 4.');
    await expect.poll(() => currentFile(page)).toMatch(/^src\/legacy\.py,/);
    await page.keyboard.press('a');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await api<{ review: { status: string } }>('review:view', { evaluator: 'pat', item: studyItem })).review.status).toBe('submitted');

    const events = (await api<{ review: { events: { event: StoredEvent & Record<string, unknown> }[] } }>('review:view', { evaluator: 'pat', item: studyItem })).review.events.map((e) => e.event);
    expect(events).toContainEqual({ type: 'answer-set', answer: true });
    expect(events.filter((e) => e.type === 'confidence-set').at(-1)).toEqual({ type: 'confidence-set', confidence: 60 });
    expect(events.filter((e) => e.type === 'decision-recorded').map((e) => e.verdict)).toEqual(['accept', 'reject', 'accept', 'accept']);
    expect(events.filter((e) => e.type === 'rating-set')).toEqual([]);
    expect(events.filter((e) => e.type === 'flaw-added').map((e) => e.flaw)).toEqual([
      { id: 'a1', description: 'rate_20 changed without a test.', category: 'logic', anchor: { lines: [20, 20], path: 'src/rates.py' } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'submitted' });
    expect(problems.join("\n")).toBe("");
    await page.close();
  });

  it('a time limit that runs out on a multi-file item ends it as the study says (skipped, by the clock)', async () => {
    const db = openDatabase(dbPath);
    importTasks(db, [{ ...task, id: 'pr-t', title: 'Pull request: timed' }]);
    createStudy(db, { name: 'prt', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'pat' }], overlap: 1, seed: 1, tasks: ['pr-t'], settings: { timeLimitSeconds: 2, onTimeLimit: 'skip' }, reviewHere: true });
    db.close();
    const queue = (await api<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'pat' })).items;
    const timedItem = queue.find((q) => q.taskId === 'pr-t')!.id;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.evaluate("localStorage.setItem('assay.evaluator', 'pat')");
    await page.goto(`${server.url}#/review/${timedItem}`);
    await page.reload();
    await page.getByRole('heading', { name: 'Pull request: timed' }).waitFor();
    await expect.poll(() => files(page).getByRole('button').count()).toBe(4);
    await expect
      .poll(async () => (await api<{ review: { status: string } | null }>('review:view', { evaluator: 'pat', item: timedItem })).review?.status, { timeout: 20_000 })
      .toBe('skipped');
    const events = (await api<{ review: { events: { event: Record<string, unknown> }[] } }>('review:view', { evaluator: 'pat', item: timedItem })).review.events.map((e) => e.event);
    expect(events).toContainEqual({ type: 'time-expired', outcome: 'skipped' });
    expect(problems.join("\n")).toBe("");
    await page.close();
  });

  it('the researcher\u2019s task browser shows a multi-file task: its file count and paths in the list; in the preview its files, each one\u2019s code, a flaw opening its file', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/tasks/pr-1`);
    const option = page.getByRole('listbox', { name: 'Tasks' }).getByRole('option', { name: 'Pull request: rates', exact: true });
    await option.waitFor();
    expect(await option.locator('.task-option-facts').innerText()).toMatch(/^Code · 4 files · python · 4 critiques/);
    expect(await option.locator('.task-option-snippet').innerText()).toBe('src/rates.py · src/util/round.py · docs/NOTES.md · src/legacy.py');
    const preview = page.getByRole('region', { name: 'Task Pull request: rates' });
    await preview.waitFor();
    expect(await preview.getByRole('heading', { name: /^Change · 4 files/ }).count()).toBe(1);
    expect(await preview.getByRole('navigation', { name: 'Files' }).getByRole('button').evaluateAll((b) => b.map((x) => x.getAttribute('aria-label')))).toEqual([
      'src/rates.py, modified',
      'src/util/round.py, modified',
      'docs/NOTES.md, new file',
      'src/legacy.py, deleted',
    ]);
    await expect.poll(() => preview.locator('.view-line').filter({ hasText: 'rate_4 = 4  # changed' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // a critique picked in the list opens its file, its lines marked
    await preview.getByRole('button', { name: 'c2', exact: true }).click();
    await expect.poll(() => preview.locator('.file-head').innerText()).toContain('src/util/round.py');
    await expect.poll(() => preview.locator('.view-line').filter({ hasText: 'r_10 = 10  # changed' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => preview.locator('.cq-glyph').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await preview.getByRole('button', { name: /^src\/legacy\.py/ }).click();
    await expect.poll(() => preview.locator('.file-head').innerText()).toContain('src/legacy.py');
    // a deleted file: its old text, every line marked deleted, not an empty diff
    await expect.poll(() => preview.locator('.view-line').filter({ hasText: /^old_12\s=\s12$/ }).count(), { timeout: 15_000 }).toBe(1);
    expect(await preview.locator('.code-deleted-line').count()).toBeGreaterThan(5);
    expect(problems.join("\n")).toBe("");
    await page.close();
  });
});
