import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { exportReviewRecords } from '../../electron/backend/reviews/export.js';
import { getQueue } from '../../electron/backend/reviews/repository.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import type { StudySettingsInput } from '../../shared/study/settings.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Study settings as the evaluator meets them in the workspace, in Chromium and by keyboard: the
// instructions before the first item (before its clock starts) and on request, no rating when the
// study turns it off, the question with confidence required, an optional reject reason, the study's
// flaw categories, decide-all refused with the undecided critiques named; and the time limit: a
// countdown that a reload does not reset, items ending by themselves as submitted or skipped (the
// record says `ended_by: "time-limit"`), an item the server ended while no window was open, and no
// reopen after the time ran out.

const instructions = '# Protocol\n\nRead the **source** before the critiques.\n\n- one\n- two\n\n<img src=x onerror="window.pwned=1"> [site](https://example.com)';
const question = 'Does the output contain a serious flaw?';
const full: StudySettingsInput = { rating: 'off', rejectReason: 'optional', decideAll: true, instructions, categories: ['accuracy', 'tone'], question };

type Api = <T>(op: string, input: unknown) => Promise<T>;

describe('study settings in the review workspace (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let dbPath: string;
  let api: Api;
  const items: Record<string, number[]> = {};
  const titles = new Map<number, string>();
  const problems: string[] = [];

  beforeAll(async () => {
    dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, studyTasks(8));
    const study = (name: string, tasks: string[], settings: StudySettingsInput): void => {
      createStudy(db, { name, conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks, settings, reviewHere: true });
    };
    study('full', ['task-1', 'task-2'], full);
    study('timed', ['task-3'], { timeLimitSeconds: 6, onTimeLimit: 'submit' });
    study('timedskip', ['task-4'], { timeLimitSeconds: 3, onTimeLimit: 'skip', rating: 'optional' });
    study('gone', ['task-5'], { timeLimitSeconds: 1, onTimeLimit: 'submit' });
    study('again', ['task-6', 'task-7', 'task-8'], { instructions: 'Read the **source** first.' });
    for (const q of getQueue(db, 'ann')) {
      (items[q.study] ??= []).push(q.id);
      titles.set(q.id, q.title!);
    }
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
    api = async <T,>(op: string, input: unknown): Promise<T> => {
      const r = (await (await fetch(`${server.url}api/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) })).json()) as { ok: boolean; value: T };
      expect(r.ok, `${op}: ${JSON.stringify(r)}`).toBe(true);
      return r.value;
    };
    // an item begun in a window that was then closed: its 1 s ran out long before anyone looks again
    await api('review:begin', { evaluator: 'ann', item: items['gone']![0] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(page: Page, item: number): Promise<void> {
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'ann'));
    await page.goto(`${server.url}#/review/${item}`);
    await page.reload(); // the profile is read at start
  }
  const notice = (page: Page) => page.locator('.ws-notice');
  const view = (item: number) => api<{ review: { status: string; events: { event: Record<string, unknown> }[] } | null }>('review:view', { evaluator: 'ann', item });

  it('every setting at once: instructions first and on request, no rating, the question, an optional reason, the study’s categories, decide-all', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    watchProblems(page, problems);
    const [first, second] = items['full']!;
    await open(page, first!);

    // the instructions come first, as formatting only, and the item has not begun: no clock runs while they are read
    const dialog = page.getByRole('dialog', { name: 'Instructions for study full' });
    await dialog.waitFor();
    await dialog.getByRole('heading', { name: 'Protocol' }).waitFor();
    expect(await dialog.locator('strong').innerText()).toBe('source');
    expect(await dialog.getByRole('listitem').count()).toBe(2);
    expect(await dialog.locator('img, a').count()).toBe(0);
    expect(await dialog.innerText()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await dialog.innerText()).toContain('site (https://example.com)');
    expect((await view(first!)).review).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Start reviewing');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-review-ready]').waitFor();
    await expect.poll(async () => (await view(first!)).review?.status).toBe('open');

    // on request: i, and the bar's Instructions button; Esc or i close it
    await page.keyboard.press('i');
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'Close' }).count()).toBe(1);
    await page.keyboard.press('i');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Instructions', exact: true }).getAttribute('aria-keyshortcuts')).toBe('i');
    await page.getByRole('button', { name: 'Instructions', exact: true }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // no rating asked (and its keys say so)
    expect(await page.getByRole('radiogroup', { name: /^Rating/ }).count()).toBe(0);
    await page.keyboard.press('5');
    await expect.poll(() => notice(page).innerText()).toContain('This study does not ask for a rating.');

    // the question is required: first the answer, then the confidence
    await page.getByText(question).waitFor();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => notice(page).innerText()).toContain(`Answer the question before submitting: “${question}”`);
    await page.keyboard.press('y');
    await expect.poll(() => page.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => notice(page).innerText()).toContain('how confident');
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    await page.keyboard.press('-');
    await expect.poll(() => page.getByRole('radio', { name: '60 %' }).isChecked()).toBe(true);

    // reject without a reason: offered first (x), the reasons still there
    await page.keyboard.press('a'); // critique 1 accepted; critique 2 selected
    await page.keyboard.press('r');
    const picker = page.getByRole('group', { name: 'Why reject? (optional)' });
    await picker.waitFor();
    expect(await picker.getByRole('button', { name: 'Incorrect' }).count()).toBe(1);
    expect(await picker.getByRole('button', { name: 'No reason' }).getAttribute('aria-keyshortcuts')).toBe('x');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('No reason');
    await page.keyboard.press('x');
    await page.getByRole('listitem', { name: 'Critique 2' }).getByText('Rejected', { exact: true }).waitFor();

    // decide-all: refused, naming the undecided ones and showing the first; no "submit anyway"
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => notice(page).innerText())
      .toContain('This study asks you to accept or reject every critique before you submit: critiques 3 and 4 are not decided yet. Showing critique 3.');
    await expect.poll(() => page.getByRole('listitem', { name: 'Critique 3' }).getAttribute('aria-current')).toBe('true');
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    // the study's categories in the flaw form
    await page.keyboard.press('f');
    const category = page.getByLabel('Category (this study’s)');
    await category.waitFor();
    expect(await category.locator('option').allInnerTexts()).toEqual(['—', 'accuracy', 'tone']);
    await page.getByLabel('Description').fill('Too cheerful for a closure');
    await category.selectOption('tone');
    await page.keyboard.press('Control+Enter');
    await page.getByText('Too cheerful for a closure').waitFor();

    await page.keyboard.press('a');
    await page.keyboard.press('a');
    await page.keyboard.press('Control+Enter');
    // on to the study's second item: no instructions again
    await page.getByRole('heading', { name: titles.get(second!)! }).waitFor();
    expect(page.url()).toMatch(new RegExp(`#/review/${second}$`));
    await page.locator(`[data-review-item="${second}"][data-review-ready]`).waitFor();
    expect(await dialog.count()).toBe(0);

    const events = (await view(first!)).review!.events.map((e) => e.event);
    expect(events).toContainEqual({ type: 'answer-set', answer: true });
    expect(events.filter((e) => e.type === 'confidence-set').at(-1)).toEqual({ type: 'confidence-set', confidence: 60 });
    expect(events).toContainEqual({ type: 'decision-recorded', critique: 'k2', verdict: 'reject' });
    expect(events).toContainEqual({ type: 'flaw-added', flaw: { id: 'a1', description: 'Too cheerful for a closure', category: 'tone' } });
    expect(events.at(-1)).toEqual({ type: 'submitted' });

    // the finished item shows the answer and confidence, read-only
    await page.goto(`${server.url}#/review/${first}`);
    await page.getByRole('note', { name: 'How this review ended' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Yes' }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: '60 %' }).isChecked()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('instructions read are remembered in the browser profile, not the database: another profile shows them again before an item not yet begun', async () => {
    const [one, two, three] = items['again']!;
    const dialog = (page: Page) => page.getByRole('dialog', { name: 'Instructions for study again' });
    // one browser profile: read before the first item, not again before the second
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(page, problems);
    await open(page, one!);
    await dialog(page).waitFor();
    await page.keyboard.press('Escape');
    await page.locator(`[data-review-item="${one}"][data-review-ready]`).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('assay.instructions-seen.ann.again'))).toBe('1');
    await page.goto(`${server.url}#/review/${two}`);
    await page.locator(`[data-review-item="${two}"][data-review-ready]`).waitFor();
    expect(await dialog(page).count()).toBe(0);
    await page.close();
    // another profile (Playwright's new page has its own storage): the same evaluator and study, shown again
    const other = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(other, problems);
    await open(other, three!);
    await dialog(other).waitFor();
    expect((await view(three!)).review).toBeNull(); // shown before the item is begun, as the first time
    await other.keyboard.press('Escape');
    await other.locator(`[data-review-item="${three}"][data-review-ready]`).waitFor();
    await other.close();
    // an item begun before is never held up by them, even in a profile that has not seen them
    const third = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(third, problems);
    await open(third, one!);
    await third.locator(`[data-review-item="${one}"][data-review-ready]`).waitFor();
    expect(await dialog(third).count()).toBe(0);
    expect(await third.evaluate(() => localStorage.getItem('assay.instructions-seen.ann.again'))).toBeNull();
    expect(problems).toEqual([]);
    await third.close();
  });

  it('the time limit: a countdown a reload does not reset; at zero the item is submitted as it stands, and the app moves on', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(page, problems);
    const item = items['timed']![0]!;
    await open(page, item);
    const timer = page.getByRole('timer', { name: 'Time left for this item' });
    await timer.waitFor();
    expect(await page.locator('.countdown').getAttribute('class')).toContain('countdown-warning'); // 6 s: all of it is the last minute
    await page.waitForTimeout(2_500);
    await page.reload();
    await timer.waitFor();
    // counted from what the server says is left (at most 3.5 s), not from the 6 s limit
    expect(['0:04', '0:03', '0:02', '0:01']).toContain(await timer.innerText());
    await page.keyboard.press('a'); // an action before the end stays in the record
    const banner = page.getByRole('note', { name: 'How this review ended' });
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).toContain('Ended by the time limit: submitted as it stood.');
    expect(await banner.innerText()).toContain('cannot be reopened');
    expect(await banner.getByRole('button', { name: 'Reopen' }).count()).toBe(0);
    // the app moves on (the study has no other item: its finished screen)
    await page.getByRole('heading', { name: 'Study timed is done' }).waitFor({ timeout: 15_000 });

    const db = openDatabase(dbPath);
    const [record] = exportReviewRecords(db, { study: 'timed' });
    db.close();
    expect(record).toMatchObject({ ended_by: 'time-limit', skipped: null, decisions: [{ critique: 'c1', verdict: 'accept' }] });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a limit that skips: the item is skipped with reason "time limit"; an optional rating is marked so', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(page, problems);
    await open(page, items['timedskip']![0]!);
    await page.getByRole('radiogroup', { name: 'Rating (optional)' }).waitFor();
    await page.getByRole('timer').waitFor();
    await page.getByText('Skipped by the time limit.').waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Study timedskip is done' }).waitFor({ timeout: 15_000 });
    const db = openDatabase(dbPath);
    const [record] = exportReviewRecords(db, { study: 'timedskip' });
    db.close();
    expect(record).toMatchObject({ ended_by: 'time-limit', skipped: { reason: 'time limit' }, rating: null });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an item whose time ran out while no window was open says it was ended by the time limit, and is not offered for reopening', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(page, problems);
    await new Promise((r) => setTimeout(r, 6_500)); // its 1 s and the server's 5 s slack
    await open(page, items['gone']![0]!);
    const banner = page.getByRole('note', { name: 'How this review ended' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('Ended by the time limit');
    expect(await banner.getByRole('button', { name: 'Reopen' }).count()).toBe(0);
    expect(await page.getByRole('timer').count()).toBe(0);
    await page.keyboard.press('o');
    await expect.poll(() => notice(page).innerText()).toContain('This review cannot be reopened: Its time limit (0:01) has run out');
    expect((await view(items['gone']![0]!)).review!.status).toBe('submitted');
    expect(problems).toEqual([]);
    await page.close();
  });
});
