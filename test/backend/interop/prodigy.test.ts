import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { findSource, importFromSource } from '../../../electron/backend/tasks/sources/index.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { studyWithReviews, writeTemp } from './fixture.js';
import type { StudySettingsInput } from '../../../shared/study/settings.js';

function cp(text: string, part: string): { start: number; end: number } {
  const i = text.indexOf(part);
  if (i < 0) throw new Error(`"${part}" not in text`);
  const start = Array.from(text.slice(0, i)).length;
  return { start, end: start + Array.from(part).length };
}

const P1 = 'The 🎉 mayor resigned on Monday after the vote.';
const P2 = 'Rates rise 5% next year, the council said.';
const T0 = 1767600000; // 2026-01-05, seconds

/** A Prodigy db-out file written for these tests: two inputs, two annotators, spans, a binary label, ignore, an unanswered example. */
function prodigyLines(who: { a: string; b: string } = { a: 'news-ann', b: 'news-bo' }): Record<string, unknown>[] {
  const resigned = { ...cp(P1, 'mayor resigned'), token_start: 2, token_end: 3, label: 'UNSUPPORTED', text: 'mayor resigned' };
  return [
    { text: P1, meta: { source: 'wire' }, _input_hash: -12345, _task_hash: 111, _view_id: 'spans', spans: [resigned], answer: 'accept', _annotator_id: who.a, _session_id: who.a, _timestamp: T0 },
    { text: P2, label: 'FACTUAL_ERROR', _input_hash: 999, _task_hash: 222, _view_id: 'classification', answer: 'reject', _annotator_id: who.b, _session_id: who.b, _timestamp: T0 + 5 },
    { text: P1, meta: { source: 'wire' }, _input_hash: -12345, _task_hash: 111, _view_id: 'spans', spans: [{ ...resigned }], answer: 'reject', _annotator_id: who.b, _session_id: who.b, _timestamp: T0 + 9 },
    { text: P1, _input_hash: -12345, _task_hash: 333, spans: [{ ...cp(P1, 'on Monday'), label: 'DATE' }], answer: 'ignore', _annotator_id: who.a, _session_id: who.a, _timestamp: T0 + 12 },
    { text: P2, label: 'FACTUAL_ERROR', _input_hash: 999, _task_hash: 222 },
  ];
}

const jsonl = (lines: readonly unknown[]): string => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

function tasks(db: Parameters<typeof exportTasks>[0]): Record<string, unknown>[] {
  let text = '';
  exportTasks(db, (c) => (text += c));
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('assay import --from prodigy', () => {
  it('makes one task per input (_input_hash), one critique per distinct span or binary label', async () => {
    const file = writeTemp('news.jsonl', jsonl(prodigyLines()));
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('prodigy') });
    expect(report.errors).toEqual([]);
    const [t1, t2] = tasks(db);
    expect(t1).toMatchObject({
      id: 'prodigy--12345',
      output: P1,
      critiques: [
        { id: `span-${cp(P1, 'mayor resigned').start}-${cp(P1, 'mayor resigned').end}-UNSUPPORTED`, text: 'UNSUPPORTED', category: 'UNSUPPORTED', anchor: cp(P1, 'mayor resigned') },
        { id: `span-${cp(P1, 'on Monday').start}-${cp(P1, 'on Monday').end}-DATE`, text: 'DATE', anchor: cp(P1, 'on Monday') },
      ],
    });
    expect(t2).toMatchObject({ id: 'prodigy-999', output: P2, critiques: [{ id: 'label-FACTUAL_ERROR', text: 'FACTUAL_ERROR' }] });
    expect((t2!['critiques'] as unknown[]).length).toBe(1);
  });

  it('refuses a span whose text is not at its offsets, and examples of one input with different texts, naming the lines', async () => {
    const lines = prodigyLines();
    (lines[3]!['spans'] as Record<string, unknown>[])[0]!['text'] = 'on Tuesday';
    lines.push({ text: `${P2} (edited)`, _input_hash: 999, label: 'X' });
    const file = writeTemp('bad.jsonl', jsonl(lines));
    const { db } = tempDb();
    const before = dumpDatabase(db);
    const report = await importFromSource(db, file, { source: findSource('prodigy') });
    expect(report.errors).toEqual([
      `${file}:4: spans[0]: the text at ${cp(P1, 'on Monday').start}–${cp(P1, 'on Monday').end} is "on Monday", not "on Tuesday" as the span says (it does not occur in the text); fix the offsets or the text`,
      `${file}:6: text: differs from line 2, which has the same _input_hash`,
    ]);
    expect(dumpDatabase(db)).toBe(before);
  });

  it('repairs UTF-16 span offsets (a JavaScript tool’s) with a warning', async () => {
    const start16 = P1.indexOf('on Monday');
    const file = writeTemp('js.jsonl', jsonl([{ text: P1, spans: [{ start: start16, end: start16 + 9, label: 'DATE', text: 'on Monday' }] }]));
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('prodigy') });
    expect(report.errors).toEqual([]);
    expect(report.warnings[0]).toContain(`${file}:1: spans[0]: offsets ${start16}–${start16 + 9} count UTF-16 units`);
    expect((tasks(db)[0]!['critiques'] as Record<string, unknown>[])[0]!['anchor']).toEqual(cp(P1, 'on Monday'));
  });

  it('round trip: imported, put in a study, reviewed and exported again, gives back every example with its spans unchanged, with the reviews added as answers', async () => {
    const original = prodigyLines();
    const file = writeTemp('news.jsonl', jsonl(original));
    const { db, path: dbPath } = tempDb();
    expect((await importFromSource(db, file, { source: findSource('prodigy') })).errors).toEqual([]);
    const resigned = `span-${cp(P1, 'mayor resigned').start}-${cp(P1, 'mayor resigned').end}-UNSUPPORTED`;
    studyWithReviews(db, { name: 'p', evaluators: ['cy'] }, (a) =>
      a.task === 'prodigy--12345'
        ? { decisions: [{ critique: resigned, verdict: 'accept' }], rating: 6, added: [{ id: 'a1', description: 'Which vote?', anchor: { quote: 'the vote' } }] }
        : { decisions: [{ critique: 'label-FACTUAL_ERROR', verdict: 'reject', reason: 'incorrect' }], rating: 2 },
    );
    db.close();
    const out = writeTemp('again.jsonl', '');
    const r = await captureCli(['export', 'prodigy', '--study', 'p', '--out', out, '--db', dbPath]);
    expect(r.code, r.err).toBe(0);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // task by task: its examples as they were, then the review's answers
    expect(lines.slice(0, 3)).toEqual([original[0], original[2], original[3]]);
    expect(fs.readFileSync(out, 'utf8').split('\n').slice(0, 3)).toEqual([original[0], original[2], original[3]].map((l) => JSON.stringify(l))); // byte for byte, key order included
    const answers1 = lines.slice(3, 6);
    expect(answers1.map((a) => [a['answer'], (a['assay'] as Record<string, unknown>)['verdict'] ?? 'added'])).toEqual([
      ['accept', 'accept'],
      ['ignore', 'undecided'],
      ['accept', 'added'],
    ]);
    expect(answers1[0]).toMatchObject({ text: P1, spans: [{ ...cp(P1, 'mayor resigned'), label: 'UNSUPPORTED', text: 'mayor resigned' }], _input_hash: -12345, _annotator_id: 'cy', _session_id: 'p-cy' });
    expect(answers1[2]).toMatchObject({ spans: [{ ...cp(P1, 'the vote'), label: 'FLAW' }], meta: { flaw: 'Which vote?' } });
    expect(lines.slice(6, 8)).toEqual([original[1], original[4]]);
    expect(lines[8]).toMatchObject({ text: P2, label: 'FACTUAL_ERROR', answer: 'reject', _annotator_id: 'cy', assay: { verdict: 'reject', reason: 'incorrect' } });
    expect(lines).toHaveLength(9);
    for (const l of lines) expect(Number.isInteger(l['_input_hash']) && Math.abs(l['_input_hash'] as number) < 2 ** 31).toBe(true);
  });

  it('exports tasks from elsewhere as examples Prodigy loads, and imports them back with their critique texts', async () => {
    const output = 'The 🎉 budget doubled in 2020 according to officials.';
    const { db, path: dbPath } = tempDb();
    (await import('../../../electron/backend/tasks/import.js')).importTasks(db, [
      {
        id: 'n1',
        kind: 'summary',
        output,
        critiques: [
          { id: 'c1', text: 'It rose by 3%, not double.', anchor: { quote: 'doubled' }, category: 'accuracy', severity: 'major' },
          { id: 'c2', text: 'Which officials?' },
        ],
      },
    ]);
    studyWithReviews(db, { name: 'n', evaluators: ['x'] }, () => null);
    db.close();
    const out = writeTemp('n.jsonl', '');
    expect((await captureCli(['export', 'prodigy', '--study', 'n', '--out', out, '--db', dbPath])).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ text: output, spans: [{ ...cp(output, 'doubled'), text: 'doubled', label: 'accuracy' }], meta: { critique: 'It rose by 3%, not double.', severity: 'major' } });
    expect(lines[0]).not.toHaveProperty('answer');
    const { db: fresh } = tempDb();
    expect((await importFromSource(fresh, out, { source: findSource('prodigy') })).errors).toEqual([]);
    const back = tasks(fresh)[0]!;
    expect(back['output']).toBe(output);
    expect((back['critiques'] as Record<string, unknown>[]).map((c) => [c['text'], c['anchor'], c['severity']])).toEqual([
      ['It rose by 3%, not double.', cp(output, 'doubled'), 'major'],
      ['Which officials?', undefined, undefined],
    ]);
  });
});

describe('assay import --from prodigy --as-reviews --study NAME', () => {
  async function setUp(settings?: StudySettingsInput): Promise<{ dbPath: string; file: string }> {
    const lines = prodigyLines({ a: 'ann', b: 'bo' });
    const file = writeTemp('answers.jsonl', jsonl(lines));
    const { db, path: dbPath } = tempDb();
    expect((await importFromSource(db, file, { source: findSource('prodigy') })).errors).toEqual([]);
    studyWithReviews(db, { name: 'pd', evaluators: ['ann', 'bo'], overlap: 2, ...(settings ? { settings } : {}) }, () => null);
    db.close();
    return { dbPath, file };
  }

  // Prodigy answers have no rating and no reject reason: merging them needs a study created with the
  // study settings `--rating off` and `--reject-reason optional`.
  it('accept/reject answers become review records of a study with --rating off --reject-reason optional, by _annotator_id', async () => {
    const { dbPath, file } = await setUp({ rating: 'off', rejectReason: 'optional' });
    const r = await captureCli(['import', file, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--db', dbPath]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const db = openDatabase(dbPath);
    const records = exportReviewRecords(db, { study: 'pd' });
    const resigned = `span-${cp(P1, 'mayor resigned').start}-${cp(P1, 'mayor resigned').end}-UNSUPPORTED`;
    expect(records.map((x) => [x.task, x.evaluator, x.rating, x.skipped, x.decisions])).toEqual(
      expect.arrayContaining([
        ['prodigy--12345', 'ann', null, null, [{ critique: resigned, verdict: 'accept' }]],
        ['prodigy--12345', 'bo', null, null, [{ critique: resigned, verdict: 'reject' }]],
        ['prodigy-999', 'bo', null, null, [{ critique: 'label-FACTUAL_ERROR', verdict: 'reject' }]],
      ]),
    );
    db.close();
  });

  it('under the default settings (rating required) the results import refuses a record without a rating, and the error names the Prodigy lines it came from', async () => {
    const { dbPath, file } = await setUp();
    const r = await captureCli(['import', file, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--db', dbPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:1 (and line 4): (review): the review of task "prodigy--12345" by "ann": `);
    expect(r.err).toContain('rating: this study requires a rating (1–7) on every review an evaluator submits');
  });

  it('answers that are all "ignore" become a skipped review, stored through the results import (and importing again changes nothing)', async () => {
    const { dbPath } = await setUp();
    const ignored = writeTemp(
      'ignored.jsonl',
      jsonl([{ text: P2, label: 'FACTUAL_ERROR', _input_hash: 999, answer: 'ignore', _annotator_id: 'ann', _session_id: 'pd-ann', _timestamp: T0 + 60 }]),
    );
    const r = await captureCli(['import', ignored, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--json', '--db', dbPath]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ files: [{ file: ignored, study: 'pd', reviews: 1, added: 1, unchanged: 0 }] });
    const db = openDatabase(dbPath);
    expect(exportReviewRecords(db, { study: 'pd' }).map((x) => [x.task, x.evaluator, x.skipped, x.submitted_at])).toEqual([
      ['prodigy-999', 'ann', { reason: 'ignored in Prodigy' }, new Date((T0 + 60) * 1000).toISOString()],
    ]);
    const marked = db.prepare(`SELECT kind FROM result_imports`).all();
    expect(marked).toEqual([{ kind: 'records' }]);
    db.close();
    const again = await captureCli(['import', ignored, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--db', dbPath]);
    expect(again.out).toBe(`${ignored}: 1 review for study pd: 0 added, 1 unchanged.\n`);
    expect(JSON.parse((await captureCli(['import', ignored, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--json', '--db', dbPath])).out)).toEqual({ files: [{ file: ignored, study: 'pd', reviews: 1, added: 0, unchanged: 1 }] });
  });

  it('refuses an annotator who is not an evaluator of the study, a task not imported, and a missing timestamp, naming the lines', async () => {
    const { dbPath } = await setUp();
    const bad = writeTemp(
      'bad.jsonl',
      jsonl([
        { text: P2, label: 'FACTUAL_ERROR', _input_hash: 999, answer: 'accept', _annotator_id: 'mallory', _timestamp: T0 },
        { text: 'Unknown text', label: 'X', answer: 'accept', _annotator_id: 'ann', _timestamp: T0 },
        { text: P2, label: 'FACTUAL_ERROR', _input_hash: 999, answer: 'accept', _annotator_id: 'ann' },
      ]),
    );
    const db = openDatabase(dbPath);
    const before = dumpDatabase(db);
    db.close();
    const r = await captureCli(['import', bad, '--from', 'prodigy', '--as-reviews', '--study', 'pd', '--db', dbPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:1: _annotator_id: "mallory" is not an evaluator of study "pd" (evaluators: ann, bo)`);
    expect(r.err).toMatch(new RegExp(`${bad}:2: _input_hash: no task "prodigy-t[0-9a-f]{12}" in this database: import the tasks first`));
    expect(r.err).toContain(`${bad}:3: _timestamp: required: when the answer was given`);
    const after = openDatabase(dbPath);
    expect(dumpDatabase(after)).toBe(before);
    after.close();
  });

  it('is a usage error without --from prodigy or without --study', async () => {
    expect((await captureCli(['import', 'x.jsonl', '--as-reviews', '--study', 's'])).code).toBe(2);
    expect((await captureCli(['import', 'x.jsonl', '--from', 'prodigy', '--as-reviews'])).code).toBe(2);
  });
});
