import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Own flaws anchored where the evaluator selected them, through the real UI: a phrase that occurs
// several times, a long passage changed later, and a critique's evidence in the document.

// The emoji makes UTF-16 offsets and code points differ, as real text does.
const repeated = '😀 First the council met.\nThen the council voted.\nAt last the council adjourned.';
const passage = 'the committee postponed the decision on the new budget until the spring session';
const long = `In March ${passage}. In May, after a long debate, ${passage}.`;
const doc = 'The city council of Springfield met on Monday in the old town hall.';

/** The n-th (0-based) UTF-16 offset of `needle` in `text`. */
function nth(text: string, needle: string, n: number): number {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" occurs fewer than ${n + 1} times`);
  return at;
}

/** Code points before a UTF-16 offset: the task format's unit. */
const cp = (text: string, u16: number): number => Array.from(text.slice(0, u16)).length;

interface FlawEvent {
  type: string;
  flaw?: { id: string; description: string; anchor?: unknown };
}

describe('flaw anchors through the UI (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];
  const items = new Map<string, number>();

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [
      {
        id: 'rep',
        kind: 'summary',
        title: 'Repeated phrase',
        output: repeated,
        context: { document: doc },
        critiques: [{ id: 'c1', text: 'Which council?', evidence: [{ anchor: { start: cp(doc, doc.indexOf('city council')), end: cp(doc, doc.indexOf('city council') + 12) } }] }],
      },
      { id: 'long', kind: 'summary', title: 'Long passage', output: long },
    ]);
    createEvaluator(db, 'Flo');
    ensurePracticeQueue(db, 'flo');
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
    const queue = (await api<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'flo' })).items;
    for (const q of queue) items.set(q.taskId, q.id);
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

  /** The flaw events the server logged for a task's review. */
  async function flawEvents(task: string): Promise<FlawEvent[]> {
    const view = await api<{ review: { events: { event: FlawEvent }[] } | null }>('review:view', { evaluator: 'flo', item: items.get(task)! });
    return (view.review?.events ?? []).map((e) => e.event).filter((e) => e.type.startsWith('flaw-'));
  }

  async function open(task: string, title: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Flo' }).click();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.goto(`${server.url}#/review/${items.get(task)!}`);
    await page.getByRole('heading', { name: title }).waitFor();
    return page;
  }

  /** Selects output[start16, end16) by dragging the mouse from its first character to its last. */
  async function dragSelect(page: Page, start16: number, end16: number): Promise<void> {
    const box = (await page.evaluate(`(() => {
      const region = [...document.querySelectorAll('[aria-label="Output"]')].pop();
      const at = (off, side) => {
        for (const seg of region.querySelectorAll('[data-start]')) {
          const s = Number(seg.getAttribute('data-start'));
          const node = seg.firstChild;
          if (node && s <= off && off < s + node.length) {
            const r = document.createRange();
            r.setStart(node, off - s);
            r.setEnd(node, off - s + 1);
            const rect = r.getBoundingClientRect();
            return { x: side === 'left' ? rect.left + 1 : rect.right - 1, y: rect.top + rect.height / 2 };
          }
        }
        throw new Error('offset not rendered: ' + off);
      };
      return { from: at(${start16}, 'left'), to: at(${end16 - 1}, 'right') };
    })()`)) as { from: { x: number; y: number }; to: { x: number; y: number } };
    await page.mouse.move(box.from.x, box.from.y);
    await page.mouse.down();
    await page.mouse.move(box.to.x, box.to.y, { steps: 8 });
    await page.mouse.up();
  }

  it('a phrase selected at its second occurrence is saved there (mouse, then f)', async () => {
    const page = await open('rep', 'Repeated phrase');
    const second = nth(repeated, 'the council', 1);
    await dragSelect(page, second, second + 'the council'.length);
    expect(await page.evaluate('getSelection().toString()')).toBe('the council');
    await page.keyboard.press('f');
    const quote = page.getByLabel(/^Quote from the output/);
    expect(await quote.inputValue()).toBe('the council');
    await page.getByText('Occurs 3 times in the output; the flaw points at the one you selected.').waitFor();
    await page.getByLabel('Description').fill('They voted twice');
    await page.keyboard.press('Control+Enter');
    await page.getByText('They voted twice').waitFor();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Saved');

    expect(await flawEvents('rep')).toEqual([
      { type: 'flaw-added', flaw: { id: 'a1', description: 'They voted twice', anchor: { start: cp(repeated, second), end: cp(repeated, second) + 11 } } },
    ]);
    // The highlight is drawn at the second occurrence too.
    expect(await page.locator('mark.own').first().getAttribute('data-start')).toBe(String(second));
    await page.close();
  });

  it('a critique\u2019s evidence given as a code-point range shows the document text it points at', async () => {
    const page = await open('rep', 'Repeated phrase');
    await page.getByRole('listitem', { name: 'Critique 1' }).getByText('Evidence: “city council”').waitFor();
    expect(await page.locator('mark.evidence').innerText()).toBe('city council');
    await page.close();
  });

  it('changing a long flaw anchored by a range shows its full text and keeps its place', async () => {
    const page = await open('long', 'Long passage');
    // The first of two equal passages: stored as a range, since a quote would be ambiguous.
    const first = long.indexOf(passage);
    await dragSelect(page, first, first + passage.length);
    expect(await page.evaluate('getSelection().toString()')).toBe(passage);
    await page.keyboard.press('f');
    await page.getByLabel('Description').fill('Postponed twice?');
    await page.keyboard.press('Control+Enter');
    await page.getByText('Postponed twice?').waitFor();
    const range = { start: cp(long, first), end: cp(long, first) + passage.length };
    await expect.poll(() => flawEvents('long')).toEqual([{ type: 'flaw-added', flaw: { id: 'a1', description: 'Postponed twice?', anchor: range } }]);

    // Change it: the form holds the whole passage (not the 57-character display form) and saves.
    await page.getByRole('button', { name: 'Change flaw a1' }).click();
    const quote = page.getByLabel(/^Quote from the output/);
    expect(await quote.inputValue()).toBe(passage);
    await page.getByLabel('Description').fill('Postponed in March and again in May');
    await page.getByRole('button', { name: 'Save flaw' }).click();
    await page.getByText('Postponed in March and again in May').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await expect
      .poll(() => flawEvents('long'))
      .toContainEqual({ type: 'flaw-edited', flaw: { id: 'a1', description: 'Postponed in March and again in May', anchor: range } });
    await page.close();
  });

  it('a selection narrowed in the form stays in the passage where it was selected', async () => {
    const page = await open('long', 'Long passage');
    const second = nth(long, passage, 1);
    await dragSelect(page, second, second + passage.length);
    await page.keyboard.press('f');
    // "the spring session" also ends the first passage, which starts closer to the selection's start.
    await page.getByLabel(/^Quote from the output/).fill('the spring session');
    await page.getByLabel('Description').fill('Which spring?');
    await page.getByRole('button', { name: 'Save flaw' }).click();
    await page.getByText('Which spring?').waitFor();
    const narrowed = nth(long, 'the spring session', 1);
    await expect
      .poll(async () => (await flawEvents('long')).at(-1))
      .toEqual({ type: 'flaw-added', flaw: { id: 'a2', description: 'Which spring?', anchor: { start: cp(long, narrowed), end: cp(long, narrowed) + 'the spring session'.length } } });
    expect(problems).toEqual([]);
    await page.close();
  });
});
