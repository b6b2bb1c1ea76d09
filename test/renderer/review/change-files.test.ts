import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReviewView, ShownCritique } from '../../../shared/contract/review.js';
import type { TaskFileView } from '../../../shared/contract/tasks.js';
import type { OwnFlaw } from '../../../shared/review/events.js';
import { defaultStudySettings } from '../../../shared/study/settings.js';
import { describeAnchor } from '../../../renderer/src/screens/review/anchors.js';
import { fileCounts, fileStatus, initialFile, reviewOrder, stepFile } from '../../../renderer/src/screens/review/change-files.js';
import { bindingFor, keySections, workspaceKeys } from '../../../renderer/src/screens/review/keymap.js';
import { codeMarksFor, initialCodeLook } from '../../../renderer/src/screens/review/verdicts.js';

// The pull-request view's logic (multi-file code tasks), without a DOM: review order across files,
// per-file counts, where ] and [ go, and which marks each file's diff shows.

const file = (path: string, over: Partial<TaskFileView> = {}): TaskFileView => ({
  path,
  output: 'a\nb\nc\nd\n',
  base: 'a\nB\nc\n',
  language: null,
  deleted: false,
  renamedFrom: null,
  ...over,
});
const files: TaskFileView[] = [
  file('src/a.py'),
  file('src/new.py', { base: null }),
  file('old.py', { output: '', base: 'x\ny\n', deleted: true }),
  file('lib/b.py', { renamedFrom: 'lib/old_b.py' }),
];
const critique = (id: string, path: string | null, first: number, side: 'output' | 'base' = 'output'): ShownCritique => ({
  id,
  text: `about ${path ?? 'everything'}`,
  anchor: path === null ? null : { lines: [first, first], path, ...(side === 'base' ? { side } : {}) },
  range: path === null ? null : { start16: 0, end16: 1, lines: [first, first], side, path },
  severity: null,
  category: null,
  evidence: [],
});

describe('multi-file review order', () => {
  it('whole-change critiques first, then file by file in the task\u2019s order, by line', () => {
    const given = [critique('k1', 'lib/b.py', 2), critique('k2', 'src/a.py', 3), critique('k3', null, 1), critique('k4', 'src/a.py', 1), critique('k5', 'old.py', 2, 'base')];
    expect(reviewOrder(given, files).map((c) => c.id)).toEqual(['k3', 'k4', 'k2', 'k5', 'k1']);
  });
  it('a single-file task keeps the order it was given', () => {
    const given = [critique('k1', null, 9), critique('k2', null, 1)];
    expect(reviewOrder(given, null)).toBe(given);
  });
  it('property: a permutation of the critiques, grouped by file in file order, stable within a line', () => {
    const paths = files.map((f) => f.path);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(fc.constantFrom(...paths), { nil: null }), fc.integer({ min: 1, max: 5 })), { maxLength: 30 }), (spec) => {
        const given = spec.map(([p, line], i) => critique(`c${i}`, p, line));
        const out = reviewOrder(given, files);
        expect([...out].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...given].sort((a, b) => a.id.localeCompare(b.id)));
        const rank = (c: ShownCritique): number => (c.range?.path ? paths.indexOf(c.range.path) : -1);
        for (let i = 1; i < out.length; i++) {
          const [a, b] = [out[i - 1]!, out[i]!];
          expect(rank(a)).toBeLessThanOrEqual(rank(b));
          if (rank(a) === rank(b) && a.range && b.range) {
            expect(a.range.lines[0]).toBeLessThanOrEqual(b.range.lines[0]);
            if (a.range.lines[0] === b.range.lines[0]) expect(given.indexOf(a)).toBeLessThan(given.indexOf(b));
          }
        }
      }),
    );
  });
});

describe('the file list', () => {
  it('status of each file: modified, added, deleted, renamed', () => {
    expect(files.map(fileStatus)).toEqual(['modified', 'added', 'deleted', 'renamed']);
  });
  it('counts critiques, undecided ones and own flaws per file; whole-change ones count nowhere', () => {
    const critiques = [critique('k1', 'src/a.py', 1), critique('k2', 'src/a.py', 2), critique('k3', 'lib/b.py', 1), critique('k4', null, 1)];
    const flaws: OwnFlaw[] = [
      { id: 'a1', description: 'x', anchor: { lines: [1, 1], path: 'old.py', side: 'base' } },
      { id: 'a2', description: 'y', anchor: { lines: [2, 2], path: 'old.py', side: 'base' } },
      { id: 'a3', description: 'z' },
    ];
    const counts = fileCounts(files, critiques, { k1: { verdict: 'accept' } }, flaws);
    expect(Object.fromEntries(counts)).toEqual({
      'src/a.py': { critiques: 2, undecided: 1, flaws: 0 },
      'src/new.py': { critiques: 0, undecided: 0, flaws: 0 },
      'old.py': { critiques: 0, undecided: 0, flaws: 2 },
      'lib/b.py': { critiques: 1, undecided: 1, flaws: 0 },
    });
  });
  it('] and [ step through the files (clamped) and select the first open critique there', () => {
    const ordered = reviewOrder([critique('k1', 'src/a.py', 1), critique('k2', 'lib/b.py', 1), critique('k3', 'lib/b.py', 5)], files);
    expect(stepFile(files, 'src/a.py', 1, ordered, {})).toEqual({ path: 'src/new.py', critique: undefined });
    expect(stepFile(files, 'old.py', 1, ordered, { k2: { verdict: 'reject' } })).toEqual({ path: 'lib/b.py', critique: 2 });
    expect(stepFile(files, 'old.py', 1, ordered, { k2: { verdict: 'reject' }, k3: { verdict: 'accept' } })).toEqual({ path: 'lib/b.py', critique: 1 });
    expect(stepFile(files, 'lib/b.py', 1, ordered, {}).path).toBe('lib/b.py');
    expect(stepFile(files, 'src/a.py', -1, ordered, {})).toEqual({ path: 'src/a.py', critique: 0 });
  });
  it('opens on the first undecided critique\u2019s file, else the first file', () => {
    expect(initialFile(files, critique('k', 'lib/b.py', 1))).toBe('lib/b.py');
    expect(initialFile(files, critique('k', null, 1))).toBe('src/a.py');
    expect(initialFile(files, undefined)).toBe('src/a.py');
  });
  it('] and [ are rows of the one key table (handler, sheet and aria-keyshortcuts read it)', () => {
    const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false });
    expect(bindingFor(workspaceKeys, press(']'))?.action).toBe('next-file');
    expect(bindingFor(workspaceKeys, press('['))?.action).toBe('prev-file');
    expect(keySections.find((x) => x.keys === workspaceKeys)).toBeDefined();
  });
});

describe('marks of a multi-file task', () => {
  const view: ReviewView = {
    item: { id: 1, label: 'Practice', study: '', position: 1, total: 1, pin: 'p', closed: false },
    task: { id: 't', kind: 'code', title: null, output: '', language: 'python', base: null, files, context: null },
    critiques: [critique('k1', 'lib/b.py', 2), critique('k2', 'src/a.py', 3), critique('k3', 'old.py', 1, 'base')],
    review: null,
    settings: defaultStudySettings,
  };
  it('each file\u2019s diff shows only its own critiques and flaws, on their side', () => {
    const flaws: OwnFlaw[] = [{ id: 'a1', description: 'gone', anchor: { lines: [2, 2], path: 'old.py', side: 'base' } }];
    const ordered = reviewOrder(view.critiques!, files);
    const marks = (path: string): unknown => codeMarksFor(view.task, ordered, {}, flaws, 'k3', path).map((m) => [m.id, m.side, m.lines, m.className]);
    expect(marks('src/a.py')).toEqual([['k2', 'output', [3, 3], 'cq-open']]);
    expect(marks('old.py')).toEqual([
      ['k3', 'base', [1, 1], 'cq-open cq-selected'],
      ['own:a1', 'base', [2, 2], 'cq-own'],
    ]);
    expect(marks('src/new.py')).toEqual([]);
  });
  it('the editor prepared off screen shows the file the workspace opens on, with its marks', () => {
    const look = initialCodeLook(view);
    expect(look.output).toBe(files[0]!.output); // src/a.py: k2 is the first critique in review order
    expect(look.base).toBe(files[0]!.base);
    expect(look.marks.map((m) => m.id)).toEqual(['k2']);
    expect(look.reveal).toEqual({ lines: [3, 3], side: 'output' });
  });
  it('lists name the file, except under a heading that already does', () => {
    expect(describeAnchor({ lines: [2, 4], path: 'src/a.py', side: 'base' }, '')).toBe('src/a.py, old lines 2–4');
    expect(describeAnchor({ lines: [2, 2], path: 'src/a.py' }, '', { withPath: false })).toBe('line 2');
    expect(describeAnchor({ quote: 'b', path: 'src/a.py' }, 'a\nb\n')).toBe('src/a.py, “b”');
  });
});
