import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/backend/cli/main.js';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { getQueue, getReviewView, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy, listStudies } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { tempDb } from '../../helpers/db.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';
import { loadStudyTasks, secrets, studyTasks } from './fixtures.js';
import { startReview } from '../../helpers/review.js';

const conditions = [
  { name: 'blindfold', policy: 'none' },
  { name: 'fullhelp', policy: 'all' },
  { name: 'besttwo', policy: 'top-2' },
  { name: 'nodecoys', policy: 'valid-only' },
];
const evaluators = [{ id: 'eval-ann', displayName: 'Ann Lee' }, { id: 'eval-bob' }, { id: 'eval-cyd' }, { id: 'eval-dee' }];

function researcher(tasks = 8): WritableDb {
  const { db } = tempDb();
  loadStudyTasks(db, tasks);
  createStudy(db, { name: 'uplift', conditions, evaluators, overlap: 2, seed: 7 }, 1_000);
  return db;
}

let clock = Date.UTC(2026, 0, 5, 9);
/** Reviews every item of `evaluator`'s study queue through #4's repository (as the UI would). */
function reviewAll(db: WritableDb, evaluator: string, decide: (critiques: readonly string[], i: number) => ReviewEvent[]): number {
  const items = getQueue(db, evaluator).filter((q) => q.study === 'uplift');
  items.forEach((q, i) => {
    const view = startReview(db, evaluator, q.id, (clock += 1000));
    const events = [...decide((view.critiques ?? []).map((c) => c.id), i), { type: 'submitted' } as ReviewEvent];
    let seq = 0;
    for (const event of events) {
      seq = recordEvent(
        db,
        { evaluator, review: view.review!.id, expectedSeq: seq, clientEventId: `ev-${evaluator}-${q.id}-${seq}`, clientTime: clock, activeMs: 500, event },
        (clock += 1000),
      ).seq;
    }
  });
  return items.length;
}

const typicalReview = (critiques: readonly string[], i: number): ReviewEvent[] => [
  ...(critiques[0] ? [{ type: 'decision-recorded', critique: critiques[0], verdict: 'accept' } as ReviewEvent] : []),
  ...(critiques[1] ? [{ type: 'decision-recorded', critique: critiques[1], verdict: 'reject', reason: 'nitpick' } as ReviewEvent] : []),
  { type: 'flaw-added', flaw: { id: 'a1', description: `Own flaw ${i}`, anchor: { quote: 'spring' }, severity: 'minor' } },
  { type: 'rating-set', rating: 3 + (i % 4) },
];

describe('studies: create, list, show', () => {
  it('creates the balanced assignment as queue items and shows it', () => {
    const db = researcher();
    const study = getStudy(db, 'uplift');
    expect(study.assignments).toHaveLength(16);
    expect(study.conditions.map((c) => c.policy)).toEqual(['none', 'all', 'top-2', 'valid-only']);
    expect(study.evaluators[0]).toEqual({ id: 'eval-ann', displayName: 'Ann Lee' });
    const rows = db.prepare(`SELECT evaluator_id, task_id, condition, label, policy FROM queue_items WHERE study = 'uplift'`).all() as {
      condition: string;
      label: string;
      policy: string;
    }[];
    expect(rows).toHaveLength(16);
    for (const r of rows) {
      expect(conditions.find((c) => c.name === r.condition)?.policy).toBe(r.policy);
      expect(r.label).toMatch(/^Set [A-D]$/);
    }
    expect(listStudies(db)).toMatchObject([{ name: 'uplift', done: 0, total: 16, taskCount: 8, evaluatorCount: 4 }]);
  });

  it('refuses impossible or clashing studies with a clear message and writes nothing', () => {
    const db = researcher();
    const before = db.prepare('SELECT count(*) AS n FROM queue_items').get();
    expect(() => createStudy(db, { name: 'too-many', conditions, evaluators: [{ id: 'x' }, { id: 'y' }], overlap: 3, seed: 1 })).toThrow(
      'overlap 3 is impossible with 2 evaluator(s)',
    );
    expect(() => createStudy(db, { name: 'uplift', conditions, evaluators, overlap: 1, seed: 1 })).toThrow('A study named "uplift" already exists');
    expect(() => createStudy(db, { name: 'bad', conditions, evaluators, overlap: 1, seed: 1, tasks: ['task-1', 'nope'] })).toThrow('not in this database: nope');
    expect(() => createStudy(db, { name: 'bad', conditions: [{ name: 'x', policy: 'top-0' }], evaluators, overlap: 1, seed: 1 })).toThrow(
      /conditions\.0\.policy: Unknown critique policy/,
    );
    expect(db.prepare('SELECT count(*) AS n FROM queue_items').get()).toEqual(before);
    expect(listStudies(db)).toHaveLength(1);
  });
});

describe('packs', () => {
  it('hold only what the evaluator may see (grep for every forbidden value)', () => {
    const db = researcher();
    const study = getStudy(db, 'uplift');
    for (const ev of evaluators) {
      const { content, pack } = exportPack(db, 'uplift', ev.id);
      const mine = study.assignments.filter((a) => a.evaluator === ev.id);
      expect(pack.items.map((i) => i.task.id)).toEqual(mine.map((a) => a.task));
      expect(pack.items.map((i) => i.label)).toEqual(mine.map((a) => a.label));
      const forbidden = [
        secrets.flaw,
        secrets.meta,
        secrets.model,
        secrets.extraContext,
        secrets.extraCritiqueField,
        '"valid"',
        '"score"',
        '"flaws"',
        '"meta"',
        '"model"',
        '"condition"',
        '"policy"',
        ...conditions.map((c) => c.name),
        ...evaluators.filter((e) => e.id !== ev.id).map((e) => e.id),
        '0.9',
        '0.7',
      ];
      for (const word of forbidden) expect(content.includes(word), `pack of ${ev.id} contains ${word}`).toBe(false);
      // Each item carries exactly the critiques its condition shows.
      for (const [i, item] of pack.items.entries()) {
        const source = studyTasks(8).find((t) => t['id'] === item.task.id)!['critiques'] as { id: string; text: string }[];
        const expected = { blindfold: [], fullhelp: ['c1', 'c2', 'c3', 'c4'], besttwo: ['c1', 'c3'], nodecoys: ['c1', 'c2', 'c3'] }[mine[i]!.condition]!;
        const texts = expected.map((id) => source.find((c) => c.id === id)!.text);
        expect((item.task.critiques ?? []).map((c) => c.text), `${ev.id} item ${i + 1} (${mine[i]!.condition})`).toEqual(texts);
        // Neutral ids: the gap in c1, c3 would tell that c2 was left out.
        expect((item.task.critiques ?? []).map((c) => c.id)).toEqual(expected.map((_, k) => `k${k + 1}`));
        expect(item.show_critiques).toBe(mine[i]!.condition !== 'blindfold');
      }
      // Tasks of other evaluators are not in the pack.
      const others = studyTasks(8)
        .map((t) => t['id'] as string)
        .filter((id) => !mine.some((a) => a.task === id));
      for (const id of others) expect(content.includes(`"${id}"`)).toBe(false);
    }
  });

  it('open in a fresh evaluator database, idempotently, and refuse tampered files and the researcher database', () => {
    const db = researcher();
    const { content } = exportPack(db, 'uplift', 'eval-bob');
    const { db: ev } = tempDb();
    const first = importPack(ev, content, 'bob.json');
    expect(first).toMatchObject({ study: 'uplift', evaluator: 'eval-bob', items: 4, unchanged: false });
    const snapshot = (): unknown => [
      ev.prepare('SELECT * FROM queue_items ORDER BY id').all(),
      ev.prepare('SELECT id, content_hash FROM tasks ORDER BY id').all(),
      ev.prepare('SELECT count(*) AS n FROM packs').get(),
    ];
    const before = snapshot();
    expect(importPack(ev, content, 'bob.json').unchanged).toBe(true);
    expect(snapshot()).toEqual(before);
    const queue = getQueue(ev, 'eval-bob').filter((q) => q.study === 'uplift');
    expect(queue).toHaveLength(4);
    // The evaluator's database never learns condition names, scores, validity or flaws.
    expect(ev.prepare('SELECT count(*) AS n FROM flaws').get()).toEqual({ n: 0 });
    expect(ev.prepare('SELECT count(*) AS n FROM critiques WHERE score IS NOT NULL OR valid IS NOT NULL').get()).toEqual({ n: 0 });
    for (const row of ev.prepare('SELECT condition, label FROM queue_items').all() as { condition: string; label: string }[]) {
      expect(row.condition).toBe(row.label);
    }
    // The review view shows each item's critiques as its condition says: none when unassisted.
    const bobs = getStudy(db, 'uplift').assignments.filter((a) => a.evaluator === 'eval-bob');
    expect(new Set(bobs.map((a) => a.condition))).toContain('blindfold');
    const shownCount: Record<string, number | null> = { blindfold: null, fullhelp: 4, besttwo: 2, nodecoys: 3 };
    for (const q of queue) {
      const condition = bobs.find((a) => a.task === q.taskId)!.condition;
      expect(getReviewView(ev, 'eval-bob', q.id).critiques?.length ?? null, `${q.taskId} (${condition})`).toBe(shownCount[condition]);
    }

    const tampered = content.replace('"Set ', '"Set X');
    expect(() => importPack(tempDb().db, tampered, 'bob.json')).toThrow("bob.json: the pack's content does not match its hash");
    expect(() => importPack(tempDb().db, '{"format":"assay-pack","version":2}', 'x.json')).toThrow(/x\.json: requires: /);
    expect(() => importPack(tempDb().db, '{"format":"assay-pack","version":3}', 'x.json')).toThrow(/x\.json: version 3 of the "assay-pack" format needs a newer Assay/);
    expect(() => importPack(tempDb().db, 'not json', 'x.json')).toThrow('x.json: not a pack');
    expect(() => importPack(db, content, 'bob.json')).toThrow("the researcher's database of study \"uplift\"");
  });
});

function roundTrip(): { db: WritableDb; ev: WritableDb; results: string; reviewed: number } {
  const db = researcher();
  const { db: ev } = tempDb();
  importPack(ev, exportPack(db, 'uplift', 'eval-ann').content, 'ann.json');
  const reviewed = reviewAll(ev, 'eval-ann', typicalReview);
  const results = exportResults(ev).content;
  return { db, ev, results, reviewed };
}

describe('results', () => {
  it('round-trip: evaluator reviews from the pack; the researcher merges records and full event logs', () => {
    const { db, ev, results, reviewed } = roundTrip();
    expect(reviewed).toBe(4);
    const [report] = importResults(db, [{ fileName: 'ann-results.json', content: results }]);
    expect(report).toMatchObject({ status: 'merged', study: 'uplift', evaluator: 'eval-ann', added: 4, unchanged: 0, conflicts: [] });
    const merged = exportReviewRecords(db, { study: 'uplift' });
    expect(merged).toHaveLength(4);
    const assignment = getStudy(db, 'uplift').assignments.filter((a) => a.evaluator === 'eval-ann');
    for (const r of merged) {
      // The researcher sees the real condition name; the evaluator's file only had the label.
      expect(r.condition).toBe(assignment.find((a) => a.task === r.task)!.condition);
      expect(r.added).toHaveLength(1);
      expect(r.rating).toBeGreaterThanOrEqual(3);
    }
    // The same reviews, with the pack's neutral critique ids (k1, k2, …) mapped back to the task's.
    const evRecords = exportReviewRecords(ev, { study: 'uplift' });
    const byTask = (x: typeof merged) => [...x].sort((a, b) => a.task.localeCompare(b.task));
    const policyOf = Object.fromEntries(conditions.map((c) => [c.name, c.policy]));
    const original = { none: [], all: ['c1', 'c2', 'c3', 'c4'], 'top-2': ['c1', 'c3'], 'valid-only': ['c1', 'c2', 'c3'] } as Record<string, string[]>;
    byTask(merged).forEach((r, i) => {
      const e = byTask(evRecords)[i]!;
      const ids = original[policyOf[r.condition]!]!;
      const back = (id: string): string => ids[Number(id.slice(1)) - 1]!;
      expect(e.shown?.every((id) => /^k\d+$/.test(id))).toBe(true);
      expect(r.shown).toEqual(ids);
      expect(r).toEqual({ ...e, condition: r.condition, shown: e.shown!.map(back), decisions: e.decisions.map((d) => ({ ...d, critique: back(d.critique) })) });
    });
    // The event log came along: same events, times and order; decisions name the original critiques.
    const log = (d: WritableDb): { type: string; payload_json: string; client_time: number; server_time: number }[] =>
      d.prepare('SELECT type, payload_json, client_time, server_time FROM review_events ORDER BY server_time, seq').all() as never;
    expect(log(db).map((e) => [e.type, e.client_time, e.server_time])).toEqual(log(ev).map((e) => [e.type, e.client_time, e.server_time]));
    for (const e of log(db)) if (e.type === 'decision-recorded') expect(JSON.parse(e.payload_json).critique).toMatch(/^c\d$/);
    expect(getStudy(db, 'uplift').assignments.filter((a) => a.status === 'submitted')).toHaveLength(4);
  });

  it('is idempotent: the same file twice changes nothing', () => {
    const { db, results } = roundTrip();
    importResults(db, [{ fileName: 'r.json', content: results }]);
    const snapshot = (): unknown => [
      db.prepare('SELECT * FROM reviews ORDER BY id').all(),
      db.prepare('SELECT count(*) AS n FROM review_events').get(),
      db.prepare('SELECT count(*) AS n FROM result_imports').get(),
    ];
    const before = snapshot();
    const [again] = importResults(db, [{ fileName: 'r.json', content: results }]);
    expect(again).toMatchObject({ status: 'merged', added: 0, unchanged: 4, conflicts: [] });
    expect(snapshot()).toEqual(before);
  });

  it('refuses a tampered file, and a file of another study or pack, storing nothing', () => {
    const { db, results } = roundTrip();
    const reviews = (): unknown => db.prepare('SELECT count(*) AS n FROM reviews').get();
    const tampered = results.replace('"rating":3', '"rating":7');
    expect(tampered).not.toBe(results);
    const [t] = importResults(db, [{ fileName: 'evil.json', content: tampered }]);
    expect(t).toMatchObject({ status: 'refused', added: 0 });
    expect(t!.error).toContain('evil.json: the content does not match its hash');

    const other = researcher();
    const [s] = importResults(other, [{ fileName: 'r.json', content: results }]);
    expect(s!.error).toMatch(/r\.json: this file is for study "uplift" \(id [0-9a-f-]+\), which is not in this database/);

    const [n] = importResults(db, [{ fileName: 'r.json', content: results }], { study: 'something-else' });
    expect(n!.error).toContain('this file is for study "uplift", not "something-else"');

    // A re-hashed file claiming another evaluator's pack is refused too.
    const file = JSON.parse(results) as Record<string, unknown> & { pack: Record<string, unknown> };
    const forged = { ...file, pack: { ...file.pack, id: 'pack-000000000000000000000000' } };
    const [p] = importResults(db, [{ fileName: 'p.json', content: JSON.stringify({ ...forged, hash: fileHash(forged) }) }]);
    expect(p!.error).toContain('pack "pack-000000000000000000000000" was never issued to evaluator "eval-ann"');
    // A file signed with the pack's own secret (the evaluator's Assay, or a bug in it) with one
    // review twice is refused, not half-merged.
    const { secret } = db.prepare(`SELECT secret FROM pack_issues WHERE role = 'exported' AND issue = $issue`).get({ issue: file.pack['issue'] }) as { secret: string };
    const doubled = { ...file, reviews: [...(file['reviews'] as unknown[]), (file['reviews'] as unknown[])[0]] };
    const [d] = importResults(db, [{ fileName: 'd.json', content: JSON.stringify({ ...doubled, hash: fileHash(doubled), mac: resultsMac(secret, doubled) }) }]);
    expect(d!.error).toMatch(/d\.json: reviews\.4 \(task "[^"]+"\): a second review of the same task/);
    expect(reviews()).toEqual({ n: 0 });
  });

  it('merges incrementally: a later export adds the new reviews (a skipped one too) and keeps the old', () => {
    const db = researcher();
    const { db: ev } = tempDb();
    importPack(ev, exportPack(db, 'uplift', 'eval-bob').content, 'bob.json');
    const items = getQueue(ev, 'eval-bob').filter((q) => q.study === 'uplift');
    const first = startReview(ev, 'eval-bob', items[0]!.id, (clock += 1000));
    recordEvent(ev, { evaluator: 'eval-bob', review: first.review!.id, expectedSeq: 0, clientEventId: 'skip-0001', clientTime: clock, event: { type: 'skipped', reason: 'Cannot judge this one' } }, (clock += 1000));
    startReview(ev, 'eval-bob', items[1]!.id, (clock += 1000)); // open: not exported yet
    expect(importResults(db, [{ fileName: 'early.json', content: exportResults(ev).content }])[0]).toMatchObject({ added: 1, unchanged: 0 });
    const skipped = exportReviewRecords(db, { study: 'uplift' });
    expect(skipped).toMatchObject([{ evaluator: 'eval-bob', skipped: { reason: 'Cannot judge this one' }, rating: null }]);
    // The evaluator finishes the rest (the open review included) and exports again.
    for (const q of items.slice(1)) {
      const view = startReview(ev, 'eval-bob', q.id, (clock += 1000));
      recordEvent(ev, { evaluator: 'eval-bob', review: view.review!.id, expectedSeq: 0, clientEventId: `r-${q.id}-1`, clientTime: clock, event: { type: 'rating-set', rating: 6 } }, (clock += 1000));
      recordEvent(ev, { evaluator: 'eval-bob', review: view.review!.id, expectedSeq: 1, clientEventId: `r-${q.id}-2`, clientTime: clock, event: { type: 'submitted' } }, (clock += 1000));
    }
    expect(importResults(db, [{ fileName: 'late.json', content: exportResults(ev).content }])[0]).toMatchObject({ added: 3, unchanged: 1, conflicts: [] });
    expect(exportReviewRecords(db, { study: 'uplift' })).toHaveLength(4);
  });

  it('reports conflicting reviews and overwrites nothing', () => {
    const db = researcher();
    const pack = exportPack(db, 'uplift', 'eval-ann').content;
    const { db: ev1 } = tempDb();
    const { db: ev2 } = tempDb();
    importPack(ev1, pack, 'ann.json');
    importPack(ev2, pack, 'ann.json');
    reviewAll(ev1, 'eval-ann', typicalReview);
    reviewAll(ev2, 'eval-ann', (c, i) => [...typicalReview(c, i).slice(0, -1), { type: 'rating-set', rating: 1 }]);
    expect(importResults(db, [{ fileName: 'one.json', content: exportResults(ev1).content }])[0]).toMatchObject({ added: 4 });
    const before = exportReviewRecords(db, { study: 'uplift' });
    const [second] = importResults(db, [{ fileName: 'two.json', content: exportResults(ev2).content }]);
    expect(second).toMatchObject({ status: 'merged', added: 0, unchanged: 0 });
    expect(second!.conflicts).toHaveLength(4);
    expect(second!.conflicts[0]!.message).toContain('different review');
    expect(exportReviewRecords(db, { study: 'uplift' })).toEqual(before);
  });
});

describe('review records made outside Assay', () => {
  function record(db: WritableDb, evaluator = 'eval-cyd'): { task: string; condition: string; line: Record<string, unknown> } {
    const a = getStudy(db, 'uplift').assignments.find((x) => x.evaluator === evaluator && x.condition === 'besttwo')!;
    return {
      task: a.task,
      condition: a.condition,
      line: {
        task: a.task,
        evaluator,
        study: 'uplift',
        condition: a.condition,
        started_at: '2026-01-05T10:00:00.000Z',
        submitted_at: '2026-01-05T10:04:00.000Z',
        active_seconds: 200,
        rating: 5,
        skipped: null,
        decisions: [
          { critique: 'c1', verdict: 'accept' },
          { critique: 'c3', verdict: 'reject', reason: 'incorrect' },
        ],
        added: [{ id: 'x1', description: 'Misses the vote', severity: 'major' }],
      },
    };
  }

  it('are validated against the assignment, stored with a synthesised log, and idempotent', () => {
    const db = researcher();
    const { line } = record(db);
    const content = `${JSON.stringify(line)}\n`;
    const [r] = importResults(db, [{ fileName: 'ext.jsonl', content }]);
    expect(r).toMatchObject({ status: 'merged', added: 1, study: 'uplift', evaluator: 'eval-cyd' });
    const [stored] = exportReviewRecords(db, { study: 'uplift' });
    expect(stored).toMatchObject({ ...line, shown: ['c1', 'c3'] });
    expect(db.prepare(`SELECT origin FROM imported_reviews`).all()).toEqual([{ origin: 'records' }]);
    expect(importResults(db, [{ fileName: 'ext.jsonl', content }])[0]).toMatchObject({ added: 0, unchanged: 1 });
  });

  it('refuse a decision on a critique the condition did not show, a wrong condition or an unassigned task', () => {
    const db = researcher();
    const { line } = record(db);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...line, decisions: [{ critique: 'c2', verdict: 'accept' }] }, 'ext.jsonl:2: decisions.0.critique: critique "c2" was not shown in condition "besttwo" (policy top-2)'],
      [{ ...line, condition: 'fullhelp' }, 'ext.jsonl:2: condition: "fullhelp" does not match the assignment ("besttwo")'],
      [{ ...line, evaluator: 'eval-zed' }, 'ext.jsonl:2: evaluator "eval-zed" was not assigned task'],
      [{ ...line, rating: 9 }, 'ext.jsonl:2: rating:'],
      [{ ...line, rating: null }, 'ext.jsonl:2: rating: this study requires a rating (1–7) on every review an evaluator submits'],
      [{ ...line, added: [{ id: 'x1', description: 'Not there', anchor: { quote: 'no such words in the output' } }] }, 'ext.jsonl:2: event 3 (flaw-added): flaw.anchor.quote:'],
    ];
    for (const [bad, message] of cases) {
      const good = record(db, 'eval-dee').line;
      const [r] = importResults(db, [{ fileName: 'ext.jsonl', content: `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n` }]);
      expect(r!.status).toBe('refused');
      expect(r!.error).toContain(message);
    }
    expect(db.prepare('SELECT count(*) AS n FROM reviews').get()).toEqual({ n: 0 });
  });
});

describe('migration 0003 (studies)', () => {
  it('migrates 2 → 3 keeping queue items and reviews, and enforces the study constraints', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 2 });
    db.prepare(`INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0)`).run();
    db.prepare(`INSERT INTO evaluators (id, display_name, created_at) VALUES ('e1', 'E', 0)`).run();
    db.prepare(`INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('e1', 't1', '', 'practice', 'Practice', 'all', 1)`).run();
    migrate(db, { target: 3 });
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM queue_items').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s1', 'pilot', 7, 1, 0)`).run();
    db.prepare(`INSERT INTO study_evaluators (study_id, position, evaluator_id) VALUES ('s1', 0, 'e1')`).run();
    expect(() => db.prepare(`INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s2', 'pilot', 7, 1, 0)`).run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s3', 'x', 7, 0, 0)`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO study_evaluators (study_id, position, evaluator_id) VALUES ('s1', 1, 'nobody')`).run()).toThrow(/FOREIGN KEY/);
    expect(() =>
      db.prepare(`INSERT INTO packs (id, role, study_id, study_name, evaluator_id, content_hash, created_at, recorded_at) VALUES ('p', 'stolen', 's1', 'pilot', 'e1', 'h', 0, 0)`).run(),
    ).toThrow(/CHECK/);
  });
});

describe('CLI', () => {
  it('study create / show --json / list, pack export / import, results export / import', async () => {
    const dir = tempDir();
    const rdb = path.join(dir, 'researcher.db');
    const edb = path.join(dir, 'evaluator.db');
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${studyTasks(6).map((t) => JSON.stringify(t)).join('\n')}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { ...process.env, ASSAY_DB: '' } };
    const run = async (...args: string[]): Promise<number> => {
      out.length = 0;
      err.length = 0;
      return runCli(args, io);
    };
    expect(await run('import', tasksFile, '--db', rdb)).toBe(0);
    const idsFile = path.join(dir, 'ids.txt');
    fs.writeFileSync(idsFile, 'task-1\ntask-2\ntask-3\ntask-4\n');
    expect(
      await run('study', 'create', '--name', 'pilot', '--conditions', 'unassisted:none,assisted:all,top3:top-3', '--evaluators', 'a,b,c', '--overlap', '2', '--seed', '7', '--tasks', idsFile, '--db', rdb),
    ).toBe(0);
    expect(out.join('')).toContain('Created study "pilot": 4 tasks × overlap 2 = 8 assignments over 3 evaluators');
    expect(await run('study', 'show', 'pilot', '--json', '--db', rdb)).toBe(0);
    const shown = JSON.parse(out.join('')) as { name: string; seed: number; overlap: number; conditions: unknown; evaluators: unknown[]; assignments: Record<string, unknown>[] };
    expect(shown).toMatchObject({ name: 'pilot', seed: 7, overlap: 2, conditions: [{ name: 'unassisted', policy: 'none' }, { name: 'assisted', policy: 'all' }, { name: 'top3', policy: 'top-3' }] });
    expect(shown.evaluators).toHaveLength(3);
    expect(shown.assignments).toHaveLength(8);
    expect(Object.keys(shown.assignments[0]!)).toEqual(expect.arrayContaining(['evaluator', 'task', 'condition', 'position']));
    expect(await run('study', 'list', '--db', rdb)).toBe(0);
    expect(out.join('')).toMatch(/^pilot +open +0\/8 +4 +3 +2 +7 +unassisted:none,assisted:all,top3:top-3$/m);

    expect(await run('study', 'create', '--name', 'x', '--conditions', 'a:none', '--evaluators', 'a,b', '--overlap', '3', '--seed', '1', '--db', rdb)).toBe(1);
    expect(err.join('')).toContain('overlap 3 is impossible with 2 evaluator(s)');
    expect(await run('study', 'create', '--name', 'x', '--conditions', 'a-none', '--evaluators', 'a', '--overlap', '1', '--seed', '1', '--db', rdb)).toBe(1);
    expect(err.join('')).toContain('--conditions: entry 1 "a-none": expected NAME:POLICY');
    expect(await run('study', 'create', '--name', 'x', '--db', rdb)).toBe(2);

    const packDir = path.join(dir, 'packs');
    expect(await run('pack', 'export', '--study', 'pilot', '--all', '--out', packDir, '--db', rdb)).toBe(0);
    expect(fs.readdirSync(packDir).sort()).toEqual(['pilot-a.assay-pack.json', 'pilot-b.assay-pack.json', 'pilot-c.assay-pack.json']);
    expect(await run('pack', 'export', '--study', 'pilot', '--all', '--evaluator', 'a', '--out', packDir, '--db', rdb)).toBe(2);
    expect(await run('pack', 'export', '--study', 'pilot', '--evaluator', 'zed', '--out', packDir, '--db', rdb)).toBe(1);
    expect(err.join('')).toContain('Evaluator "zed" is not in study "pilot"');
    const packFile = path.join(dir, 'a.pack.json');
    expect(await run('pack', 'export', '--study', 'pilot', '--evaluator', 'a', '--out', packFile, '--db', rdb)).toBe(0);
    expect(await run('pack', 'import', packFile, '--json', '--db', edb)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ study: 'pilot', evaluator: 'a', unchanged: false });
    const resultsFile = path.join(dir, 'a.results.json');
    expect(await run('results', 'export', '--out', resultsFile, '--db', edb)).toBe(0);
    expect(await run('results', 'import', resultsFile, '--study', 'pilot', '--db', rdb)).toBe(0);
    fs.writeFileSync(resultsFile, fs.readFileSync(resultsFile, 'utf8').replace('"reviews":[]', '"reviews":[],"x":1'));
    expect(await run('results', 'import', resultsFile, '--db', rdb)).toBe(1);
    expect(err.join('')).toContain('refused: a.results.json:');
  });
});
