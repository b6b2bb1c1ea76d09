// Takes the README's screenshots from browser mode on a fresh demo database, in light and dark.
// Run: npm run screenshots   (builds first; needs Chromium like the e2e tests)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../electron/backend/db/open.js';
import { loadDemo } from '../electron/backend/demo.js';
import { createStudy } from '../electron/backend/studies/repository.js';
import { importTasks } from '../electron/backend/tasks/import.js';
import { seedAnalysisStudy, seedCalibrationStudy, seedWarningStudy } from '../test/backend/analysis/study-fixture.js';
import { reviewChangeTask } from '../test/fixtures/review-change.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { startCriticServer } from '../test/helpers/critic-server.js';
import { repoRoot, startServe, type ServerProcess } from '../test/helpers/server.js';

/** One screenshot: a name and how to get the page there. */
export interface Shot {
  readonly name: string;
  readonly prepare: (page: Page, baseUrl: string) => Promise<void>;
}

/** A profile created by mistake (once: the second colour scheme finds it). */
async function typoProfile(url: string): Promise<void> {
  const post = async (op: string, input: unknown): Promise<{ value: { items: { id: string }[] } }> => (await fetch(`${url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json() as Promise<{ value: { items: { id: string }[] } }>;
  if (!(await post('evaluators:list', {})).value.items.some((p) => p.id === 'typo-profile')) await post('evaluators:create', { displayName: 'Typo Profile' });
}

const shots: Shot[] = [
  {
    // The task browser (#12): a search, the list with the words highlighted, the researcher's preview.
    name: 'tasks',
    prepare: async (page, url) => {
      await page.goto(`${url}#/tasks/demo-footbridge?q=council`);
      await page.getByRole('heading', { name: /Tasks/ }).waitFor();
      await page.getByRole('listbox', { name: 'Tasks' }).getByRole('option').first().waitFor();
      await page.locator('.task-detail:not([aria-busy])').getByRole('heading').first().waitFor();
    },
  },
  {
    name: 'study',
    prepare: async (page, url) => {
      // Idempotent enough: the second colour scheme's create is refused (the study exists) and ignored.
      const study = {
        name: 'uplift-pilot',
        conditions: [
          { name: 'unassisted', policy: 'none' },
          { name: 'assisted', policy: 'all' },
          { name: 'top2', policy: 'top-2' },
        ],
        evaluators: [{ id: 'ann', displayName: 'Ann Lee' }, { id: 'bob', displayName: 'Bo Brown' }, { id: 'cyd' }, { id: 'dee' }],
        overlap: 3,
        seed: 7,
        // no decide-all: the evaluator's shots show the question Submit asks with undecided critiques
        settings: { timeLimitSeconds: 900, onTimeLimit: 'submit', question: 'Does the output contain a serious flaw?' },
      };
      const created = (await (await fetch(`${url}api/studies:create`, { method: 'POST', body: JSON.stringify(study) })).json()) as {
        ok: boolean;
        value?: { assignments: { evaluator: string; task: string; condition: string }[] };
      };
      if (created.ok && created.value) {
        // Some progress to show: review records for the unassisted assignments, merged as a file.
        const records = created.value.assignments
          .filter((a) => a.condition === 'unassisted')
          .map((a) => ({ ...a, study: 'uplift-pilot', started_at: '2026-03-02T09:00:00Z', submitted_at: '2026-03-02T09:06:00Z', active_seconds: 340, rating: 5, skipped: null, decisions: [], added: [], answer: false, confidence: 70 }));
        const content = records.map((r) => JSON.stringify(r)).join('\n');
        await fetch(`${url}api/results:import`, { method: 'POST', body: JSON.stringify({ files: [{ fileName: 'lab-session.jsonl', content }] }) });
      }
      await page.goto(`${url}#/studies/uplift-pilot`);
      await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    },
  },
  {
    name: 'study-close',
    prepare: async (page, url) => {
      await page.goto(`${url}#/studies/uplift-pilot`);
      await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
      await page.getByRole('button', { name: 'Close study…' }).click();
      await page.getByRole('alertdialog').waitFor();
    },
  },
  {
    // Housekeeping (#12): the evaluator profiles with Remove, or the reason a profile stays.
    name: 'study-profiles',
    prepare: async (page, url) => {
      await typoProfile(url);
      await page.goto(`${url}#/studies`);
      await page.getByRole('heading', { name: 'Evaluator profiles' }).scrollIntoViewIfNeeded();
    },
  },
  {
    // Housekeeping (#12): the confirmation before a profile nobody uses is removed.
    name: 'study-profile-remove',
    prepare: async (page, url) => {
      await typoProfile(url);
      await page.goto(`${url}#/studies`);
      const profiles = page.getByRole('region', { name: 'Evaluator profiles' });
      await profiles.getByRole('button', { name: 'Remove profile typo-profile…' }).click();
      await profiles.getByRole('alertdialog').waitFor();
      await profiles.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    },
  },
  {
    // Housekeeping (#12): the confirmation before deleting a study that never showed anything.
    name: 'study-delete',
    prepare: async (page, url) => {
      // the second colour scheme's create is refused (the study exists) and ignored
      const study = { name: 'draft-b', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1, tasks: ['demo-footbridge'] };
      await fetch(`${url}api/studies:create`, { method: 'POST', body: JSON.stringify(study) });
      await page.goto(`${url}#/studies/draft-b`);
      await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
      await page.getByRole('button', { name: 'Delete study…' }).click();
      await page.getByRole('alertdialog', { name: 'Delete draft-b?' }).waitFor();
    },
  },
  {
    // Housekeeping (#12): the confirmation before deleting the tasks in no study.
    name: 'tasks-delete',
    prepare: async (page, url) => {
      // two tasks a researcher imported by mistake, in no study (the second scheme's import changes nothing)
      const db = openDatabase(path.join(dir, 'demo.db'));
      importTasks(
        db,
        ['Draft: council minutes, 3 May', 'Draft: council minutes, 10 May'].map((title, i) => ({ id: `draft-minutes-${i + 1}`, kind: 'summary', title, output: `${title}: a summary imported twice.` })),
        'drafts.jsonl',
      );
      db.close();
      await page.goto(`${url}#/tasks`);
      await page.reload();
      await page.getByRole('heading', { name: /Tasks/ }).waitFor();
      await page.getByRole('button', { name: 'Delete tasks in no study…' }).click();
      await page.getByRole('alertdialog', { name: 'Delete tasks in no study' }).waitFor();
    },
  },
  {
    name: 'study-new',
    prepare: async (page, url) => {
      await page.goto(`${url}#/studies/new`);
      await page.getByRole('heading', { name: 'New study' }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill('uplift-main');
      await page.getByLabel('Evaluators', { exact: true }).fill('ann = Ann Lee\nbob = Bo Brown\ncyd\ndee');
      await page.getByRole('button', { name: 'Add condition' }).click();
      await page.getByRole('region', { name: 'Study check' }).getByText(/Power to detect/).waitFor();
      await page.getByRole('region', { name: 'Study check' }).getByText('agreement-impossible').waitFor();
    },
  },
  {
    name: 'study-new-settings',
    prepare: async (page, url) => {
      await page.goto(`${url}#/studies/new`);
      await page.getByRole('heading', { name: 'New study' }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill('sandwich-1');
      await page.getByLabel('Evaluators', { exact: true }).fill('ann = Ann Lee\nbob = Bo Brown\ncyd\ndee');
      await page.getByLabel('Rating (1–7)').selectOption('off');
      await page.getByLabel('Reason on reject').selectOption('optional');
      await page.getByLabel('Every shown critique decided before submitting').check();
      await page.getByLabel('Time limit per item (minutes)').fill('10');
      await page.getByLabel('When time runs out').selectOption('skip');
      await page.getByLabel('Yes/no question').fill('Does the output contain a serious flaw?');
      await page.getByLabel('Flaw categories').fill('accuracy, omission, tone');
      await page
        .getByLabel('Instructions for evaluators')
        .fill('# How to review\n\nRead the **source** before the critiques. For each critique:\n\n1. check it against the source;\n2. accept it only if it holds.\n\nSee [the protocol](https://lab.example/protocol). <b>No HTML</b>.');
      await page.getByRole('button', { name: 'Preview instructions' }).click();
      await page.getByRole('heading', { name: 'How to review' }).waitFor();
      await page.getByRole('group', { name: 'How evaluators review' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    },
  },
];

// Review (#4): the workspace for a summary and for a code diff, with a few decisions made.
async function openReview(page: Page, url: string, taskId: string): Promise<boolean> {
  const post = async <T>(op: string, input: unknown): Promise<T> =>
    ((await (await fetch(`${url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as { value: T }).value;
  const profiles = await post<{ items: { id: string }[] }>('evaluators:list', {});
  if (!profiles.items.some((p) => p.id === 'ana-ruiz')) await post('evaluators:create', { displayName: 'Ana Ruiz' });
  const queue = await post<{ items: { id: number; taskId: string }[] }>('review:queue', { evaluator: 'ana-ruiz' });
  const item = queue.items.find((q) => q.taskId === taskId)!.id;
  const view = await post<{ review: { events: unknown[] } | null }>('review:view', { evaluator: 'ana-ruiz', item });
  await page.goto(url);
  await page.evaluate("localStorage.setItem('assay.evaluator', 'ana-ruiz')");
  await page.goto(`${url}#/review/${item}`);
  await page.reload();
  await page.locator('[data-review-ready]').waitFor();
  return (view.review?.events.length ?? 0) === 0;
}
shots.push(
  {
    name: 'review-summary',
    prepare: async (page, url) => {
      if (await openReview(page, url, 'demo-footbridge')) {
        await page.keyboard.press('a');
        await page.keyboard.press('r');
        await page.keyboard.press('i');
        await page.keyboard.press('f');
        await page.keyboard.type('Says the council pays everything; a regional grant pays most of it.');
        await page.keyboard.press('Tab');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Tab');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Tab');
        await page.keyboard.type('paid entirely by the council');
        await page.keyboard.press('Control+Enter');
        await page.keyboard.press('3');
        await page.keyboard.press('k');
        await page.keyboard.press('k');
      }
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    },
  },
  {
    name: 'review-code',
    prepare: async (page, url) => {
      if (await openReview(page, url, 'demo-moving-average')) {
        await page.keyboard.press('a');
        await page.keyboard.press('k');
      }
      await page.locator('.cq-glyph').first().waitFor();
      await page.waitForTimeout(700); // the diff is computed in a worker
    },
  },
);

// The pull-request view (issue 14): a multi-file change of our own, imported into the served
// database once; on the second file, one critique decided and an own flaw on an old line.
let changeSeeded = false;
function seedChange(): void {
  if (changeSeeded) return;
  const db = openDatabase(path.join(dir, 'demo.db'));
  importTasks(db, [reviewChangeTask]);
  db.close();
  changeSeeded = true;
}
shots.push({
  name: 'review-change',
  prepare: async (page, url) => {
    seedChange();
    if (await openReview(page, url, 'demo-invoice-rounding')) {
      await page.keyboard.press('a'); // invoice.py: accepts the first critique
      await page.keyboard.press(']'); // rounding.py
      await page.keyboard.press('r');
      await page.keyboard.press('n');
      await page.keyboard.press('f');
      await page.keyboard.type('to_cents truncated negative amounts towards zero too.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown'); // minor
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab'); // file: rounding.py
      await page.keyboard.press('Tab');
      await page.keyboard.type('5');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown'); // old (base)
      await page.keyboard.press('Control+Enter');
      await page.keyboard.press('k'); // back to the rejected critique of rounding.py
    } else {
      await page.keyboard.press(']'); // the same file (the review resumes on invoice.py)
      await page.keyboard.press('k'); // and the same critique
    }
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.locator('.code-view-editor.on-stage .cq-glyph').first().waitFor();
    await page.waitForTimeout(700); // the diff is computed in a worker
  },
});

// The same change in the researcher's task browser: its file list, a critique on an old line opened in its file.
shots.push({
  name: 'tasks-change',
  prepare: async (page, url) => {
    seedChange();
    await page.goto(`${url}#/tasks/demo-invoice-rounding`);
    await page.reload();
    const preview = page.getByRole('region', { name: 'Task Pull request: round invoice tax half up' });
    await preview.waitFor();
    await preview.getByRole('button', { name: 'c4', exact: true }).click();
    await preview.locator('.file-head').filter({ hasText: 'billing/rounding.py' }).waitFor();
    await preview.locator('.cq-glyph').first().waitFor();
    await preview.locator('.task-detail-head').evaluate((el) => el.scrollIntoView({ block: 'start' })); // the click scrolled to the table
    await page.waitForTimeout(700); // the diff is computed in a worker
  },
});

// The workspace's key sheet, the code pane widened as far as it goes on a small screen (the panel
// keeps its width), and the researcher's Review place for a study reviewed from packs (#12).
shots.push(
  {
    name: 'review-shortcuts',
    prepare: async (page, url) => {
      await openReview(page, url, 'demo-walking');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    },
  },
  {
    name: 'review-narrow',
    prepare: async (page, url) => {
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.evaluate(() => localStorage.removeItem('assay.review.panes.code'));
      await openReview(page, url, 'demo-moving-average');
      await page.locator('.cq-glyph').first().waitFor();
      const handle = (await page.getByRole('separator', { name: 'Resize Code and Critiques' }).boundingBox())!;
      await page.mouse.move(handle.x + 2, handle.y + 200);
      await page.mouse.down();
      await page.mouse.move(1020, handle.y + 200, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(700);
    },
  },
  {
    name: 'review-elsewhere',
    prepare: async (page, url) => {
      await page.goto(url);
      await page.evaluate("localStorage.setItem('assay.evaluator', 'ann')");
      await page.goto(`${url}#/review`);
      await page.reload();
      await page.getByRole('note').filter({ hasText: 'uplift-pilot' }).waitFor();
    },
  },
);

// Analysis (#6): a synthetic study with simulated results, seeded into the served database once.
let analysisSeeded = false;
function seedAnalysis(): void {
  if (analysisSeeded) return;
  const db = openDatabase(path.join(dir, 'demo.db'));
  seedAnalysisStudy(db);
  seedWarningStudy(db);
  seedCalibrationStudy(db);
  db.close();
  analysisSeeded = true;
}
shots.push(
  {
    name: 'analysis',
    prepare: async (page, url) => {
      seedAnalysis();
      await page.goto(`${url}#/analysis/uplift-demo`);
      await page.getByText(/95% CIs · population:two-way-cluster-robust · \d+ tasks/).waitFor();
      await page.getByRole('figure', { name: 'Catch rate by severity' }).locator('svg').first().waitFor();
    },
  },
  {
    // the calibration card and the reliability plot of a study that asks the yes/no question
    name: 'analysis-calibration',
    prepare: async (page, url) => {
      seedAnalysis();
      await page.setViewportSize({ width: 1400, height: 1320 });
      await page.goto(`${url}#/analysis/calibration-demo`);
      await page.getByRole('region', { name: 'Confidence and calibration' }).waitFor();
      await page.getByRole('figure', { name: 'Reliability' }).locator('svg').first().waitFor();
    },
  },
  {
    name: 'analysis-warnings',
    prepare: async (page, url) => {
      seedAnalysis();
      await page.goto(`${url}#/analysis/hand-only`);
      await page.getByRole('list', { name: 'Warnings' }).waitFor();
      await page.getByText(/95% CIs · population/).waitFor();
    },
  },
  {
    name: 'analysis-matching',
    prepare: async (page, url) => {
      seedAnalysis();
      await page.goto(`${url}#/analysis/uplift-demo/matching`);
      await page.getByRole('listbox', { name: 'Reports' }).waitFor();
      // two reports ruled by keyboard, the third chosen: progress, marks and the highlighted report
      await page.getByRole('listbox', { name: 'Reports' }).focus();
      if (!(await page.getByRole('status').filter({ hasText: /^[1-9]\d* of \d+ reports ruled/ }).count())) {
        await page.keyboard.press('a');
        await page.keyboard.press('j');
        await page.keyboard.press('n');
      }
      await page.keyboard.press('j');
      await page.getByRole('region', { name: 'Report and flaws' }).waitFor();
    },
  },
  {
    // Every plot at the smallest card width (two 440 px columns), long names cut with an ellipsis.
    name: 'analysis-plots',
    prepare: async (page, url) => {
      seedAnalysis();
      await page.setViewportSize({ width: 940, height: 1300 });
      await page.goto(`${url}#/analysis/uplift-demo`);
      await page.getByRole('figure', { name: 'Detection by queue position' }).locator('svg').first().waitFor();
      await page.getByRole('figure', { name: 'Flaws reported and caught per review' }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    },
  },
);

// Task import (#3): a refused package with its line-numbered errors, and a large upload in progress.
// Both packages end with a broken line, so neither changes the demo database.
async function chooseFiles(page: Page, url: string, name: string, text: string): Promise<void> {
  await page.goto(`${url}#/tasks`);
  await page.reload(); // a fresh page: no import left over from the previous shot
  await page.getByRole('heading', { name: /Tasks/ }).waitFor();
  await page.getByLabel('Task package files').setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
}
shots.push(
  {
    name: 'tasks-import-progress',
    prepare: async (page, url) => {
      const filler = 'The committee approved the budget after a long debate. '.repeat(40);
      const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `shot-${i}`, kind: 'summary', output: `${i}. ${filler}` }));
      await page.route('**/api/tasks:importChunk', async (route) => {
        await new Promise((r) => setTimeout(r, 700)); // slow the upload down enough to see it
        await route.continue();
      });
      await chooseFiles(page, url, 'committee-summaries.jsonl', `${lines.join('\n')}\n{"id": "shot-broken"\n`);
      await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? 0) >= 40);
      // the route stays: the shot is taken after this returns, while the upload is still crawling
    },
  },
  {
    name: 'tasks-import-errors',
    prepare: async (page, url) => {
      const lines = [
        '{"id": "town-1", "kind": "summary", "output": "The council met on Tuesday."}',
        '{"id": "town-2", "kind": "summary", "title": "Budget"}',
        '{"id": "town-1", "kind": "summary", "output": "Again."}',
        '{"id": "town-3", "kind": "summary", "output": "Rates rise by 4%.", "critiques": [{"id": "c1", "text": "Wrong figure.", "anchor": {"quote": "5%"}}]}',
        '{"id": "town-4", "kind": "code", "output": "x = 1\\n", "flaws": [{"id": "f1", "description": "d", "anchor": {"lines": [3, 4]}, "critiques": ["c9"]}]}',
        '{"id": "town-5", "kind": "summary", "output": "Caf\u00e9 closes."',
      ];
      await chooseFiles(page, url, 'town-news.jsonl', lines.join('\n'));
      await page.getByRole('alert').waitFor();
    },
  },
);

// An import that succeeded with a warning (#14): a planted flaw on a line the change does not touch.
let warningImports = 0;
shots.push({
  name: 'tasks-import-warnings',
  prepare: async (page, url) => {
    const n = ++warningImports; // new tasks in each scheme: both shots show an import that wrote them
    const base = 'def total(xs):\n    s = 0\n    for x in xs[:-1]:\n        s += x\n    return s\n';
    const task = (id: string, line: number) =>
      JSON.stringify({ id, kind: 'code', title: `Sum of a list (${id})`, language: 'python', base, output: base.replace('xs[:-1]', 'xs'), flaws: [{ id: 'f1', description: 'The loop skipped the last item.', anchor: { lines: [line, line] } }] });
    await chooseFiles(page, url, 'planted-bugs.jsonl', `${task(`sum-ok-${n}`, 3)}\n${task(`sum-off-${n}`, 5)}\n`);
    await page.getByRole('list', { name: 'Warnings in planted-bugs.jsonl' }).waitFor();
  },
});

// Critics (#13): a run against the loopback emulator from Tasks → Generate critiques…, the sweep
// plot in the Critics tab of the Tasks screen, a task's generated critiques with their provenance in
// its preview, and "Ask the
// critic" in a practice review, on a demo database of their own (no study hides its tasks from
// practice). critics-generate starts a fresh one for each colour scheme, so that both show the same
// run (on one database the second run would find every sample stored).
const critic = await startCriticServer({ latencyMs: 40 });
let criticsServer: ServerProcess | null = null;
let criticsRuns = 0;
async function freshCriticsServer(): Promise<string> {
  await criticsServer?.stop();
  criticsServer = await startServe(path.join(dir, `critics-${++criticsRuns}.db`));
  await fetch(`${criticsServer.url}api/demo:load`, { method: 'POST', body: '{}' });
  return criticsServer.url;
}
const criticsUrl = (): string => criticsServer?.url ?? '';
const stopCriticsServer = async (): Promise<void> => {
  await criticsServer?.stop();
};
shots.push(
  {
    name: 'critics-generate',
    prepare: async (page) => {
      const url = await freshCriticsServer();
      await page.goto(`${url}#/tasks`);
      await page.getByRole('button', { name: 'Generate critiques…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Generate critiques' });
      await dialog.getByLabel('Endpoint').fill(critic.baseUrl);
      await dialog.getByLabel('Model').fill('qwen2.5:7b');
      await dialog.getByLabel('Samples per task').fill('3');
      await dialog.getByRole('button', { name: 'Generate' }).click();
      await dialog.getByText(/samples? stored/).waitFor();
    },
  },
  {
    name: 'critics-sweep',
    prepare: async (page) => {
      await page.goto(`${criticsUrl()}#/tasks`);
      await page.reload(); // (closes the dialog of the shot before)
      // no task chosen: the Critics tab is the preview pane's
      await page.getByRole('tabpanel', { name: /Critics/ }).getByRole('heading', { name: 'Critics' }).waitFor();
      await page.locator('.critics-panel svg').first().waitFor();
    },
  },
  {
    name: 'critics-provenance',
    prepare: async (page) => {
      await page.goto(`${criticsUrl()}#/tasks`);
      await page.reload();
      await page.getByRole('option', { name: 'Footbridge closure (local news)' }).click();
      const table = page.getByRole('table', { name: /Critiques/ });
      await table.getByRole('group', { name: /^Provenance of / }).first().waitFor();
      await page.getByRole('heading', { name: /Critiques \(\d+\)/ }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    },
  },
  {
    // the run above chose its critic for "Ask the critic" (the dialog's default)
    name: 'critics-ask',
    prepare: async (page) => {
      await openReview(page, criticsUrl(), 'demo-walking');
      await page.keyboard.press('c');
      await page.getByText(/The critic added \d+ critique/).waitFor();
      await page.locator('.ask-critic').scrollIntoViewIfNeeded();
    },
  },
);
// The evaluator's day (#12), on an evaluator's own empty database: the welcome, the pack opened,
// the question before submitting with undecided critiques, a finished review with Reopen, and the
// finished screen after the export. A fresh database per colour scheme.
async function evaluatorDay(scheme: 'light' | 'dark', pack: string, take: (page: Page, name: string) => Promise<void>): Promise<void> {
  const db = path.join(dir, `evaluator-${scheme}.db`);
  const evaluator = await startServe(db);
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: scheme });
  try {
    const packFile = path.join(dir, 'ann.assay-pack.json');
    fs.writeFileSync(packFile, pack);
    await page.goto(evaluator.url);
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();
    await take(page, 'welcome');
    await page.getByLabel('Pack file').setInputFiles(packFile);
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await take(page, 'review-queue');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/review\/\d+$/);
    let asked = false;
    for (;;) {
      const shown = /#\/review\/(\d+)$/.exec(page.url())?.[1];
      await page.locator(shown ? `[data-review-item="${shown}"][data-review-ready], h1:text-matches("is done$")` : '[data-review-ready]').first().waitFor();
      if (await page.getByRole('heading', { name: /is done$/ }).count()) break;
      // a code item: let Monaco paint its diff before the shot
      if (await page.locator('.ws-code').count()) await page.locator('.cq-glyph').first().waitFor().then(() => page.waitForTimeout(800));
      await page.keyboard.press('a');
      await page.keyboard.press('5');
      // the study's yes/no question: yes, 70 % sure
      if (await page.locator('.question-section').count()) {
        await page.keyboard.press('y');
        for (let i = 0; i < 3; i++) await page.keyboard.press('+');
      }
      const before = page.url();
      await page.keyboard.press('Control+Enter');
      const question = page.getByRole('alertdialog');
      if (await question.waitFor({ timeout: 1500 }).then(() => true, () => false)) {
        if (!asked) await take(page, 'review-submit-question');
        asked = true;
        await page.keyboard.press('y');
      }
      // the next item (a new address) or the study's finished screen; a refusal fails here, not in a loop
      let next: 'done' | 'next' | null = null;
      for (let waited = 0; next === null; waited += 200) {
        if (await page.getByRole('heading', { name: /is done$/ }).count()) next = 'done';
        else if (page.url() !== before && /#\/review\/\d+$/.test(page.url())) next = 'next';
        else if (waited > 20_000) throw new Error(`no next item after ${before}: ${await page.locator('.ws-notice').innerText().catch(() => '')}`);
        else await page.waitForTimeout(200);
      }
      if (next === 'next') await page.waitForTimeout(400);
      if (next === 'done') break;
    }
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    await (await download).cancel();
    await page.getByRole('status').filter({ hasText: 'Send this file to' }).waitFor();
    await take(page, 'review-finished');
    await page.goto(`${evaluator.url}#/review`);
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.getByRole('link').filter({ hasText: /\(/ }).first().click();
    await page.getByRole('note').filter({ hasText: 'Submitted.' }).waitFor();
    await take(page, 'review-reopen');
  } finally {
    await page.close();
    await evaluator.stop();
  }
}

// Study settings in the workspace (#12), on a database of their own per colour scheme: a study
// reviewed here with instructions, a question, its own flaw categories, an optional reject reason,
// no rating and a 10-minute limit. The instructions before the first item, the workspace with the
// question and the countdown, and the flaw form with the study's categories.
const settingsShots = ['review-instructions', 'review-settings', 'review-categories', 'review-countdown'];
async function studySettingsDay(scheme: 'light' | 'dark', take: (page: Page, name: string) => Promise<void>): Promise<void> {
  const dbPath = path.join(dir, `settings-${scheme}.db`);
  const db = openDatabase(dbPath);
  loadDemo(db);
  createStudy(db, {
    name: 'protocol-b',
    conditions: [{ name: 'assisted', policy: 'all' }],
    evaluators: [{ id: 'ana', displayName: 'Ana Ruiz' }],
    overlap: 1,
    seed: 7,
    tasks: ['demo-footbridge'],
    reviewHere: true,
    settings: {
      rating: 'off',
      rejectReason: 'optional',
      decideAll: true,
      categories: ['wrong fact', 'missing key point', 'misleading emphasis', 'other'],
      timeLimitSeconds: 600,
      onTimeLimit: 'submit',
      question: 'Does this summary contain a flaw a reader would act on?',
      instructions: [
        '# Protocol B: summaries of council reports',
        '',
        'You have **10 minutes per item**. When the time runs out the item is submitted as it stands, so decide the critiques you are sure of first.',
        '',
        '1. Read the **source** (left) before the summary and the critiques.',
        '2. Accept a critique only if you can point at the place in the source that shows it is right.',
        '3. Add a flaw for every problem no critique mentions, and choose its category.',
        '4. Answer the question at the end, with how sure you are (50 % is a guess).',
        '',
        '> Reject a critique without a reason when none of the reasons fits; do not guess one.',
        '',
        'Questions about the protocol: write to the study lead, not to other evaluators.',
      ].join('\n'),
    },
  });
  // a short limit: the countdown is in its warning colour from the start (the last minute)
  createStudy(db, {
    name: 'sprint-c',
    conditions: [{ name: 'assisted', policy: 'all' }],
    evaluators: [{ id: 'ana', displayName: 'Ana Ruiz' }],
    overlap: 1,
    seed: 7,
    tasks: ['demo-walking'],
    reviewHere: true,
    settings: { timeLimitSeconds: 55, onTimeLimit: 'submit' },
  });
  db.close();
  const evaluator = await startServe(dbPath);
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: scheme });
  try {
    const post = async <T>(op: string, input: unknown): Promise<T> =>
      ((await (await fetch(`${evaluator.url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as { value: T }).value;
    const queue = await post<{ items: { id: number; study: string }[] }>('review:queue', { evaluator: 'ana' });
    const item = queue.items.find((q) => q.study === 'protocol-b')!.id;
    await page.goto(evaluator.url);
    await page.evaluate("localStorage.setItem('assay.evaluator', 'ana')");
    await page.goto(`${evaluator.url}#/review/${item}`);
    await page.reload();
    await page.getByRole('dialog', { name: 'Instructions for study protocol-b' }).waitFor();
    await take(page, 'review-instructions');
    await page.keyboard.press('Escape');
    await page.locator('[data-review-ready]').waitFor();
    await page.keyboard.press('a');
    await page.keyboard.press('r');
    await page.keyboard.press('x');
    await page.keyboard.press('y');
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    await page.keyboard.press('k');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await take(page, 'review-settings');
    await page.keyboard.press('f');
    await page.getByLabel('Description').fill('Says the council pays everything; a regional grant pays most of it.');
    await page.getByLabel('Category (this study’s)').selectOption('wrong fact');
    await page.getByLabel('Category (this study’s)').focus();
    await take(page, 'review-categories');
    const sprint = queue.items.find((q) => q.study === 'sprint-c')!.id;
    await page.goto(`${evaluator.url}#/review/${sprint}`);
    await page.locator(`[data-review-item="${sprint}"][data-review-ready]`).waitFor();
    await page.locator('.countdown.countdown-warning').waitFor();
    await page.keyboard.press('a');
    await page.keyboard.press('4');
    await take(page, 'review-countdown');
  } finally {
    await page.close();
    await evaluator.stop();
  }
}

// Practice shows the demo tasks only while no open study holds them: review before the study shots.
const order = ['tasks', 'review-summary', 'review-code', 'review-shortcuts', 'review-narrow', 'study', 'study-close', 'study-new', 'review-elsewhere'];
const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
shots.sort((a, b) => rank(a.name) - rank(b.name));

const out = path.join(repoRoot, 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });
/** True when the command line asks for this shot (no words: every shot). */
const wanted = (name: string): boolean => process.argv.length <= 2 || process.argv.slice(2).some((w) => name.startsWith(w));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-shots-'));
const server = await startServe(path.join(dir, 'demo.db'));
const browser = await launchChromium();
try {
  await fetch(`${server.url}api/demo:load`, { method: 'POST', body: '{}' });
  const schemes = ['light', 'dark'] as const;
  const pages = await Promise.all(schemes.map((colorScheme) => browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme })));
  // Each shot in both schemes before the next: shots change the database (a study hides the demo
  // tasks from practice), so both schemes see the same state.
  // `tsx scripts/screenshots.ts NAME...` takes only the shots whose name starts with one of the words.
  for (const shot of shots.filter((x) => wanted(x.name))) {
    for (const [i, scheme] of schemes.entries()) {
      const page = pages[i]!;
      await page.setViewportSize({ width: 1400, height: 860 }); // a shot may choose another size
      await shot.prepare(page, server.url);
      await page.waitForTimeout(300);
      const file = path.join(out, `${shot.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${path.relative(repoRoot, file)}`);
    }
  }
  for (const page of pages) await page.close();
  if (['welcome', 'review-queue', 'review-submit-question', 'review-finished', 'review-reopen'].some(wanted)) {
    const pack = (await (await fetch(`${server.url}api/packs:export`, { method: 'POST', body: JSON.stringify({ study: 'uplift-pilot', evaluator: 'ann' }) })).json()) as { ok: boolean; value?: { content: string } };
    if (!pack.ok || !pack.value) throw new Error('the evaluator shots need the study shot first (npm run screenshots -- study welcome review)');
    for (const scheme of schemes) {
      await evaluatorDay(scheme, pack.value.content, async (p, name) => {
        if (!wanted(name)) return;
        await p.waitForTimeout(300);
        const file = path.join(out, `${name}-${scheme}.png`);
        await p.screenshot({ path: file });
        console.log(`wrote ${path.relative(repoRoot, file)}`);
      });
    }
  }
  if (settingsShots.some(wanted)) {
    for (const scheme of schemes) {
      await studySettingsDay(scheme, async (p, name) => {
        if (!wanted(name)) return;
        await p.waitForTimeout(300);
        const file = path.join(out, `${name}-${scheme}.png`);
        await p.screenshot({ path: file });
        console.log(`wrote ${path.relative(repoRoot, file)}`);
      });
    }
  }
} finally {
  await browser.close();
  await server.stop();
  await stopCriticsServer();
  await critic.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
