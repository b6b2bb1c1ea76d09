// Only the right person: results prove they came from the pack issued to their evaluator (an HMAC
// under the pack's random secret); forged, unsigned or down-graded files are refused. Format
// versions: version 2 with `requires` and open objects; version-1 files issued before the upgrade
// stay readable, marked unauthenticated.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/backend/db/migrate.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { fileHash, packId, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack, parsePack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { captureCli } from '../../helpers/cli.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDir } from '../../helpers/temp.js';
import { loadStudyTasks } from './fixtures.js';

const t0 = Date.UTC(2026, 4, 4, 9);
const conditions = [
  { name: 'alone', policy: 'none' },
  { name: 'helped', policy: 'all' },
];

function researcher(file = path.join(tempDir(), 'researcher.db')): WritableDb {
  const db = openDatabase(file);
  loadStudyTasks(db, 4);
  createStudy(db, { name: 'pilot', conditions, evaluators: [{ id: 'ann' }, { id: 'bob' }], overlap: 2, seed: 4 }, t0);
  return db;
}

/** An evaluator opens a pack in a fresh database and finishes every item. */
function work(pack: string, evaluator: string, rating = 4): WritableDb {
  const ev = openDatabase(path.join(tempDir(), `${evaluator}.db`));
  importPack(ev, pack, `${evaluator}.json`, t0);
  let t = t0 + 10_000;
  for (const q of getQueue(ev, evaluator).filter((x) => x.study === 'pilot')) {
    const b = beginReview(ev, evaluator, q.id, (t += 1000));
    const events = [...(b.shown?.length ? [{ type: 'decision-recorded' as const, critique: b.shown[0]!, verdict: 'accept' as const }] : []), { type: 'rating-set' as const, rating }, { type: 'submitted' as const }];
    events.forEach((event, i) => recordEvent(ev, { evaluator, review: b.review.id, expectedSeq: i, clientEventId: `${evaluator}-${q.id}-${i}`, clientTime: t, event }, (t += 1000)));
  }
  return ev;
}

type Json = Record<string, unknown>;
const rehash = (body: Json): string => {
  const { hash: _h, mac: _m, ...rest } = body;
  return JSON.stringify({ ...rest, hash: fileHash(rest), ...(body['mac'] !== undefined ? { mac: body['mac'] } : {}) });
};
const resign = (body: Json, secret: string): string => {
  const { hash: _h, mac: _m, ...rest } = body;
  return JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(secret, rest) });
};

/**
 * Tasks as a schema-4 database held them. Today's importer needs today's schema (staged imports),
 * so the tasks are imported into a current database and copied over column by column.
 */
function loadTasksAtSchema4(raw: WritableDb, n: number): void {
  const src = path.join(tempDir(), 'current.db');
  const current = openDatabase(src);
  loadStudyTasks(current, n);
  current.close();
  raw.prepare('ATTACH DATABASE $src AS src').run({ src });
  for (const table of ['tasks', 'critiques', 'flaws']) {
    const columns = (raw.prepare(`PRAGMA main.table_info(${table})`).all() as { name: string }[]).map((c) => c.name).join(', ');
    raw.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM src.${table}`);
  }
  raw.exec('DETACH DATABASE src');
}

describe('impersonation', () => {
  it('one evaluator cannot write results as another: without that pack’s secret every forgery is refused', () => {
    const db = researcher();
    const annPack = exportPack(db, 'pilot', 'ann', t0).content;
    const bobPack = exportPack(db, 'pilot', 'bob', t0).content;
    const bob = work(bobPack, 'bob', 1);
    const mine = JSON.parse(exportResults(bob, {}, t0 + 100_000).content) as Json & { pack: Json; reviews: Json[] };
    const bobSecret = (JSON.parse(bobPack) as { pack: { secret: string } }).pack.secret;
    const annIssue = (JSON.parse(annPack) as { pack: { issue: string } }).pack.issue;
    const annId = packId(getStudy(db, 'pilot').id, 'ann'); // public: anyone holding any pack of the study can compute it
    // Bob's reviews relabelled as Ann's (her tasks overlap his: overlap 2 of 2 evaluators).
    const asAnn = (pack: Json): Json => ({
      ...mine,
      evaluator: 'ann',
      pack,
      reviews: mine.reviews.map((r) => ({ ...r, record: { ...(r['record'] as Json), evaluator: 'ann' } })),
    });
    const before = dumpDatabase(db);
    const attempts: [string, string, RegExp][] = [
      ['his own secret', resign(asAnn({ id: annId, issue: mine.pack['issue'] }), bobSecret), /has no issue ".*" in this database: these results did not come from a pack exported here/],
      ['her issue, his secret', resign(asAnn({ id: annId, issue: annIssue }), bobSecret), /do not prove they came from the pack issued to "ann" \(their mac does not match the pack's secret\)/],
      ['her issue, no valid mac', rehash({ ...asAnn({ id: annId, issue: annIssue }), mac: `hmac-sha256:${'0'.repeat(64)}` }), /do not prove they came from the pack issued to "ann"/],
      ['no mac at all', rehash(Object.fromEntries(Object.entries(asAnn({ id: annId, issue: annIssue })).filter(([k]) => k !== 'mac'))), /: mac: Invalid input/],
      [
        'down-graded to version 1',
        rehash({
          ...asAnn({ id: annId }),
          version: 1,
          reviews: mine.reviews.map((r) => ({ ...Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'seen')), record: { ...(r['record'] as Json), evaluator: 'ann' } })),
          requires: undefined,
          mac: undefined,
        }),
        /version-1 results file \(no proof of origin\), but the pack of "ann" was issued as version 2/,
      ],
    ];
    for (const [what, content, message] of attempts) {
      const [r] = importResults(db, [{ fileName: 'forged.json', content }], {}, t0 + 200_000);
      expect(r, what).toMatchObject({ status: 'refused', added: 0, authenticated: false });
      expect(r!.error, what).toMatch(/^forged\.json: /);
      expect(r!.error, what).toMatch(message);
    }
    expect(dumpDatabase(db)).toBe(before);
    // Bob's own file is accepted, marked authenticated
    const [own] = importResults(db, [{ fileName: 'bob.json', content: JSON.stringify(mine) }], {}, t0 + 200_000);
    expect(own).toMatchObject({ status: 'merged', evaluator: 'bob', authenticated: true, formatVersion: 2, added: 4 });
    expect(getStudy(db, 'pilot').imports).toMatchObject([{ source: 'bob.json', authenticated: true, formatVersion: 2 }]);
  });

  it('a forgery perfect in content (Ann’s labels, the critiques her conditions show, a valid hash) is refused without her pack’s secret', () => {
    const db = researcher();
    exportPack(db, 'pilot', 'ann', t0);
    const study = getStudy(db, 'pilot');
    const mine = study.assignments.filter((a) => a.evaluator === 'ann');
    const start = t0 + 10_000;
    const review = (a: (typeof mine)[number], i: number): Json => {
      const shown = a.condition === 'helped' ? ['k1', 'k2', 'k3', 'k4'] : [];
      const s = start + i * 10_000;
      return {
        record: {
          task: a.task,
          evaluator: 'ann',
          study: 'pilot',
          condition: a.label,
          started_at: new Date(s).toISOString(),
          submitted_at: new Date(s + 2000).toISOString(),
          active_seconds: 1,
          rating: 7,
          skipped: null,
          decisions: [],
          added: [],
          shown,
        },
        started_at_ms: s,
        submitted_at_ms: s + 2000,
        active_ms: 1000,
        shown,
        events: [
          { seq: 1, type: 'rating-set', payload: { rating: 7 }, client_time: s + 1000, server_time: s + 1000 },
          { seq: 2, type: 'submitted', payload: {}, client_time: s + 2000, server_time: s + 2000 },
        ],
      };
    };
    // the version-1 form that main accepted (the pack id is public: sha256 of the study id and the evaluator)
    const v1 = { format: 'assay-results', version: 1, study: { id: study.id, name: 'pilot' }, pack: { id: packId(study.id, 'ann') }, evaluator: 'ann', exported_at: new Date(t0 + 90_000).toISOString(), reviews: mine.map(review) };
    const [r1] = importResults(db, [{ fileName: 'forged-v1.json', content: rehash(v1) }], {}, t0 + 200_000);
    expect(r1).toMatchObject({ status: 'refused' });
    expect(r1!.error).toMatch(/version-1 results file \(no proof of origin\), but the pack of "ann" was issued as version 2/);
    expect(exportReviewRecords(db)).toEqual([]);
  });

  it('every export of a pack is an issue with its own random secret; results of a copy handed out earlier still verify', () => {
    const db = researcher();
    const first = exportPack(db, 'pilot', 'ann', t0);
    const second = exportPack(db, 'pilot', 'ann', t0 + 1000);
    expect(first.pack.pack.id).toBe(second.pack.pack.id);
    expect(first.pack.pack.issue).not.toBe(second.pack.pack.issue);
    expect(first.pack.pack.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.pack.pack.secret).not.toBe(second.pack.pack.secret);
    // the same items, the same pins: only the issue and its secret differ
    expect(second.pack.items).toEqual(first.pack.items);
    const fromFirst = exportResults(work(first.content, 'ann'), {}, t0 + 100_000).content;
    const fromSecond = exportResults(work(second.content, 'ann'), {}, t0 + 100_000).content;
    expect(importResults(db, [{ fileName: 'first.json', content: fromFirst }], {}, t0 + 200_000)[0]).toMatchObject({ status: 'merged', added: 4, authenticated: true });
    expect(importResults(db, [{ fileName: 'second.json', content: fromSecond }], {}, t0 + 200_000)[0]).toMatchObject({ status: 'merged', added: 0, unchanged: 4 });
  });

  it('the secrets live in the researcher’s database, so `assay backup` keeps them; a fresh database cannot verify anything', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'researcher.db');
    const db = researcher(file);
    const results = exportResults(work(exportPack(db, 'pilot', 'ann', t0).content, 'ann'), {}, t0 + 100_000).content;
    db.close();
    const copy = path.join(dir, 'backup.db');
    expect((await captureCli(['backup', '--out', copy, '--db', file])).code).toBe(0);
    const restored = openDatabase(copy);
    expect(importResults(restored, [{ fileName: 'ann.json', content: results }], {}, t0 + 200_000)[0]).toMatchObject({ status: 'merged', added: 4, authenticated: true });
    const lost = researcher(); // the same study created again: another id, no secrets
    expect(importResults(lost, [{ fileName: 'ann.json', content: results }], {}, t0 + 200_000)[0]!.error).toMatch(/this file is for study "pilot" \(id [^)]+\), which is not in this database/);
  });
});

describe('format versions', () => {
  it('a file that requires a feature this Assay does not know is refused with the version it needs', () => {
    const db = researcher();
    const pack = JSON.parse(exportPack(db, 'pilot', 'ann', t0).content) as Json;
    const needs = { ...pack, requires: [{ feature: 'images', assay: '0.3.0' }] };
    expect(() => parsePack(rehash(needs), 'future.json')).toThrow(/^future\.json: needs Assay ≥ 0\.3\.0 \(feature "images"\); this is Assay \d+\.\d+\.\d+\. Update Assay to open it\.$/);
    // (multi-file tasks are a feature this Assay knows: such a pack opens)
    expect(parsePack(rehash({ ...pack, requires: [{ feature: 'multi-file', assay: '0.2.0' }] }), 'multi.json').items).toHaveLength(4);
    const results = JSON.parse(exportResults(work(JSON.stringify(pack), 'ann'), {}, t0 + 100_000).content) as Json;
    const [r] = importResults(db, [{ fileName: 'future-results.json', content: rehash({ ...results, requires: [{ feature: 'reopened-reviews', assay: '0.4.0' }] }) }]);
    expect(r!.error).toMatch(/^future-results\.json: needs Assay ≥ 0\.4\.0 \(feature "reopened-reviews"\)/);
    expect(() => parsePack(rehash({ ...pack, version: 3 }), 'v3.json')).toThrow(/^v3\.json: version 3 of the "assay-pack" format needs a newer Assay/);
  });

  it('optional fields this Assay does not know are ignored, but still covered by the hash and the proof', () => {
    const db = researcher();
    const pack = JSON.parse(exportPack(db, 'pilot', 'ann', t0).content) as Json & { settings: Json; items: Json[] };
    // a later Assay's optional additions: a study setting, an item hint, an unknown top-level field
    const later = { ...pack, settings: { ...pack.settings, instructions: 'Read the source first.' }, items: pack.items.map((i) => ({ ...i, hint: 'x' })), written_by: 'Assay 0.9' };
    const ev = work(rehash(later), 'ann');
    expect(getQueue(ev, 'ann').filter((q) => q.study === 'pilot')).toHaveLength(4);
    expect(() => parsePack(JSON.stringify({ ...later, written_by: 'someone else' }), 'edited.json')).toThrow(/does not match its hash/);
    const results = JSON.parse(exportResults(ev, {}, t0 + 100_000).content) as Json;
    const secret = (pack['pack'] as { secret: string }).secret;
    expect(importResults(db, [{ fileName: 'later.json', content: resign({ ...results, note: 'from a later Assay' }, secret) }], {}, t0 + 200_000)[0]).toMatchObject({
      status: 'merged',
      added: 4,
    });
    // an unknown field added without the pack's secret is refused (the proof covers it)
    const [bad] = importResults(db, [{ fileName: 'edited.json', content: rehash({ ...results, note: 'slipped in' }) }], {}, t0 + 200_000);
    expect(bad!.error).toMatch(/do not prove they came from the pack issued to "ann"/);
  });

  it('reads version-1 packs and results issued before the upgrade, and marks such results unauthenticated', () => {
    // The researcher's database as Assay left it before packs had secrets (schema 4), with a version-1 pack issued.
    const file = path.join(tempDir(), 'old.db');
    const raw = new Database(file) as WritableDb;
    raw.pragma('foreign_keys = ON');
    migrate(raw, { target: 4 });
    loadTasksAtSchema4(raw, 4);
    // the rows Assay 0.1 wrote for a study (createStudy itself now reads columns of schema 5)
    raw.exec(`
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'ann', 1), ('bob', 'bob', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('old-study-id', 'pilot', 4, 2, 1);
      INSERT INTO study_conditions (study_id, position, name, policy) VALUES ('old-study-id', 0, 'alone', 'none'), ('old-study-id', 1, 'helped', 'all');
      INSERT INTO study_evaluators (study_id, position, evaluator_id) VALUES ('old-study-id', 0, 'ann'), ('old-study-id', 1, 'bob');
      INSERT INTO study_tasks (study_id, position, task_id) VALUES ('old-study-id', 0, 'task-1'), ('old-study-id', 1, 'task-2'), ('old-study-id', 2, 'task-3'), ('old-study-id', 3, 'task-4');
    `);
    for (const [e, evaluator] of ['ann', 'bob'].entries()) {
      for (let i = 1; i <= 4; i++) {
        const helped = (i + e) % 2 === 0;
        raw.prepare(
          `INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position, created_at) VALUES ($evaluator, $task, 'pilot', $condition, $label, $policy, $i, 1)`,
        ).run({ evaluator, task: `task-${i}`, condition: helped ? 'helped' : 'alone', label: helped ? 'Set A' : 'Set B', policy: helped ? 'all' : 'none', i });
      }
    }
    const study = raw.prepare(`SELECT id FROM studies WHERE name = 'pilot'`).get() as { id: string };
    const assignments = raw.prepare(`SELECT task_id AS task, condition, label, position FROM queue_items WHERE study = 'pilot' AND evaluator_id = 'ann' ORDER BY position`).all() as {
      task: string;
      condition: string;
      label: string;
      position: number;
    }[];
    const items = assignments.map((a) => {
        const t = raw.prepare('SELECT id, kind, title, output, context_json FROM tasks WHERE id = $id').get({ id: a.task }) as { id: string; kind: string; title: string; output: string; context_json: string };
        const context = JSON.parse(t.context_json) as Json;
        const critiques = a.condition === 'helped' ? (raw.prepare('SELECT text FROM critiques WHERE task_id = $id ORDER BY position').all({ id: a.task }) as { text: string }[]).map((c, k) => ({ id: `k${k + 1}`, text: c.text })) : undefined;
        return {
          position: a.position,
          label: a.label,
          show_critiques: a.condition === 'helped',
          task: { id: t.id, kind: t.kind, title: t.title, output: t.output, context: { document: context['document'], query: context['query'] }, ...(critiques ? { critiques } : {}) },
        };
      });
    const body = {
      format: 'assay-pack',
      version: 1,
      pack: { id: packId(study.id, 'ann'), created_at: new Date(t0).toISOString() },
      study: { id: study.id, name: 'pilot', time_limit_seconds: null },
      evaluator: { id: 'ann', display_name: 'ann' },
      items,
    };
    const v1pack = JSON.stringify({ ...body, hash: fileHash(body) });
    raw.prepare(
      `INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at) VALUES ($id, 'exported', $study, 'pilot', 'ann', NULL, $hash, $now, $now)`,
    ).run({ id: body.pack.id, study: study.id, hash: fileHash(body), now: t0 });
    raw.close();
    // The upgrade; Ann opens her old pack with the new Assay and sends version-1 results back.
    const db = openDatabase(file);
    const ev = work(v1pack, 'ann');
    const results = exportResults(ev, {}, t0 + 100_000);
    expect(results.file.version).toBe(1);
    const [r] = importResults(db, [{ fileName: 'old-results.json', content: results.content }], {}, t0 + 200_000);
    expect(r).toMatchObject({ status: 'merged', added: 4, authenticated: false, formatVersion: 1 });
    expect(getStudy(db, 'pilot').imports).toMatchObject([{ source: 'old-results.json', authenticated: false, formatVersion: 1 }]);
    expect(db.prepare('SELECT authenticated, format_version, pack_issue FROM result_imports').all()).toEqual([{ authenticated: 0, format_version: 1, pack_issue: 'v1' }]);
    // Bob never got a version-1 pack: a version-1 file in his name is refused.
    const asBob = JSON.parse(results.content) as Json & { reviews: Json[] };
    const forged = { ...asBob, evaluator: 'bob', pack: { id: packId(study.id, 'bob') }, reviews: [] };
    expect(importResults(db, [{ fileName: 'bob-v1.json', content: rehash(forged) }])[0]!.error).toMatch(/pack "pack-[0-9a-f]+" was never issued to evaluator "bob"/);
    expect(exportReviewRecords(db, { study: 'pilot' })).toHaveLength(4);
  });

  it('documents the proof as written: HMAC-SHA256 under the secret over the canonical JSON without hash and mac', () => {
    const db = researcher();
    const pack = JSON.parse(exportPack(db, 'pilot', 'ann', t0).content) as { pack: { secret: string } };
    const file = JSON.parse(exportResults(work(JSON.stringify(pack), 'ann'), {}, t0 + 100_000).content) as Json;
    const { hash, mac, ...rest } = file;
    expect(hash).toBe(fileHash(rest));
    expect(mac).toBe(`hmac-sha256:${crypto.createHmac('sha256', Buffer.from(pack.pack.secret, 'hex')).update(canonicalJson(rest)).digest('hex')}`);
  });
});
