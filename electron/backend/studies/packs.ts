import type { ImportedPack } from '../../../shared/contract/studies.js';
import { parseUntrustedJson } from '../../../shared/json-shape.js';
import { parsePolicy, selectShownCritiques } from '../../../shared/policy.js';
import { AppError } from '../../../shared/result.js';
import { PackFileSchema, type PackFile, type PackTask } from '../../../shared/study/formats.js';
import { AnchorSchema, SeveritySchema } from '../../../shared/task-format.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { ensureEvaluator } from '../reviews/repository.js';
import { importTasks } from '../tasks/import.js';
import { fileHash, packId } from './hash.js';
import { findStudyById, requireStudy } from './repository.js';

interface TaskRow {
  id: string;
  kind: 'summary' | 'code';
  title: string | null;
  output: string;
  language: string | null;
  base: string | null;
  context_json: string | null;
}

interface CritiqueRow {
  id: string;
  text: string;
  anchor_json: string | null;
  severity: string | null;
  category: string | null;
  score: number | null;
  evidence_json: string | null;
  valid: number | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The context an evaluator may see, rebuilt field by field: unknown keys never leave. */
function packContext(json: string | null): PackTask['context'] {
  if (!json) return undefined;
  const c = JSON.parse(json) as Record<string, unknown>;
  const sections = Array.isArray(c['sections'])
    ? (c['sections'] as Record<string, unknown>[]).map((s) => ({
        title: str(s['title']) ?? '',
        ...(str(s['summary']) !== undefined ? { summary: str(s['summary'])! } : {}),
        ...(str(s['text']) !== undefined ? { text: str(s['text'])! } : {}),
      }))
    : undefined;
  const out = {
    ...(str(c['document']) !== undefined ? { document: str(c['document'])! } : {}),
    ...(str(c['query']) !== undefined ? { query: str(c['query'])! } : {}),
    ...(str(c['problem']) !== undefined ? { problem: str(c['problem'])! } : {}),
    ...(sections ? { sections } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The critiques of a task that a policy shows, in task order. */
export function shownCritiqueRows(db: AnyDb, taskId: string, policy: string): CritiqueRow[] {
  const all = db
    .prepare('SELECT id, text, anchor_json, severity, category, score, evidence_json, valid FROM critiques WHERE task_id = $taskId ORDER BY position')
    .all({ taskId }) as CritiqueRow[];
  const p = parsePolicy(policy);
  return selectShownCritiques(
    all.map((c) => ({ row: c, id: c.id, score: c.score, valid: c.valid === null ? null : c.valid === 1 })),
    p,
  ).map((c) => c.row);
}

/**
 * The id a pack gives the i-th shown critique of a task: `k1`, `k2`, … Original ids can carry
 * meaning ("decoy-2") and their gaps would show what a policy left out, so they never leave; the
 * researcher maps them back on import (see results.ts), since the shown list is deterministic.
 */
export function neutralCritiqueId(i: number): string {
  return `k${i + 1}`;
}

function packCritique(c: CritiqueRow, i: number): NonNullable<PackTask['critiques']>[number] {
  const anchor = c.anchor_json ? AnchorSchema.safeParse(JSON.parse(c.anchor_json)) : null;
  const severity = SeveritySchema.safeParse(c.severity);
  const evidence = c.evidence_json ? (JSON.parse(c.evidence_json) as { anchor: unknown; note?: unknown }[]) : [];
  const cleanEvidence = evidence.flatMap((e) => {
    const a = AnchorSchema.safeParse(e.anchor);
    return a.success ? [{ anchor: a.data, ...(typeof e.note === 'string' ? { note: e.note } : {}) }] : [];
  });
  // SECURITY: blinding. Only what the review screen shows: never the original id, score, valid or model.
  return {
    id: neutralCritiqueId(i),
    text: c.text,
    ...(anchor?.success ? { anchor: anchor.data } : {}),
    ...(severity.success ? { severity: severity.data } : {}),
    ...(c.category !== null ? { category: c.category } : {}),
    ...(cleanEvidence.length > 0 ? { evidence: cleanEvidence } : {}),
  };
}

/**
 * Builds one evaluator's offline pack: their queue in order, each task with only the critiques
 * their condition shows, neutral labels — and nothing else. Records the export.
 */
// SECURITY: the blinding boundary for offline work. The pack leaves the researcher's machine: no
// flaws, `valid`, `score`, `model`, task `meta`, condition names or other evaluators' data.
export function exportPack(db: WritableDb, studyName: string, evaluator: string, now = Date.now()): { fileName: string; content: string; pack: PackFile } {
  const study = requireStudy(db, studyName);
  const member = db
    .prepare(
      `SELECT e.id, e.display_name FROM study_evaluators se JOIN evaluators e ON e.id = se.evaluator_id
        WHERE se.study_id = $study AND se.evaluator_id = $evaluator`,
    )
    .get({ study: study.id, evaluator }) as { id: string; display_name: string } | undefined;
  if (!member) throw new AppError('not-found', `Evaluator "${evaluator}" is not in study "${study.name}".`);
  const items = db
    .prepare('SELECT task_id, label, policy, position FROM queue_items WHERE study = $study AND evaluator_id = $evaluator ORDER BY position')
    .all({ study: study.name, evaluator }) as { task_id: string; label: string; policy: string; position: number }[];
  const taskStmt = db.prepare('SELECT id, kind, title, output, language, base, context_json FROM tasks WHERE id = $id');
  const packItems = items.map((item) => {
    const t = taskStmt.get({ id: item.task_id }) as TaskRow;
    const show = parsePolicy(item.policy).kind !== 'none';
    const context = packContext(t.context_json);
    const task: PackTask = {
      id: t.id,
      kind: t.kind,
      ...(t.title !== null ? { title: t.title } : {}),
      output: t.output,
      ...(context ? { context } : {}),
      ...(t.language !== null ? { language: t.language } : {}),
      ...(t.base !== null ? { base: t.base } : {}),
      ...(show ? { critiques: shownCritiqueRows(db, t.id, item.policy).map((c, i) => packCritique(c, i)) } : {}),
    };
    return { position: item.position, label: item.label, show_critiques: show, task };
  });
  const body = {
    format: 'assay-pack' as const,
    version: 1 as const,
    pack: { id: packId(study.id, evaluator), created_at: new Date(now).toISOString() },
    study: { id: study.id, name: study.name, time_limit_seconds: study.time_limit_seconds },
    evaluator: { id: member.id, display_name: member.display_name },
    items: packItems,
  };
  const pack: PackFile = { ...body, hash: fileHash(body) };
  db.prepare(
    `INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at)
     VALUES ($id, 'exported', $studyId, $studyName, $evaluator, $timeLimit, $hash, $now, $now)
     ON CONFLICT (id, role) DO UPDATE SET content_hash = excluded.content_hash, created_at = excluded.created_at, recorded_at = excluded.recorded_at`,
  ).run({ id: pack.pack.id, studyId: study.id, studyName: study.name, evaluator, timeLimit: study.time_limit_seconds, hash: pack.hash, now });
  return { fileName: `${study.name}-${evaluator}.assay-pack.json`, content: `${JSON.stringify(pack)}\n`, pack };
}

/** Parses and verifies a pack file's text; throws invalid-input naming the file and the field. */
export function parsePack(text: string, fileName: string): PackFile {
  let raw: unknown;
  try {
    raw = parseUntrustedJson(text);
  } catch (err) {
    throw new AppError('invalid-input', `${fileName}: not a pack (not JSON: ${(err as Error).message})`);
  }
  if (raw && typeof raw === 'object' && (raw as { format?: unknown }).format !== 'assay-pack') {
    throw new AppError('invalid-input', `${fileName}: not an Assay pack (format is ${JSON.stringify((raw as { format?: unknown }).format ?? null)}, expected "assay-pack")`);
  }
  const r = PackFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AppError('invalid-input', `${fileName}: ${issue.path.join('.') || '(pack)'}: ${issue.message}`);
  }
  if (fileHash(r.data) !== r.data.hash) {
    throw new AppError('invalid-input', `${fileName}: the pack's content does not match its hash: the file was changed after export. Ask the researcher for a fresh copy.`);
  }
  return r.data;
}

/**
 * Opens a pack in this (the evaluator's) database: its tasks, the evaluator's profile and queue.
 * Opening the same pack again changes nothing. Refuses the researcher's own database and clashes.
 */
export function importPack(
  db: WritableDb,
  text: string,
  fileName: string,
  now = Date.now(),
): { pack: string; study: string; evaluator: string; items: number; unchanged: boolean } {
  const pack = parsePack(text, fileName);
  return db.transaction(() => {
    if (findStudyById(db, pack.study.id)) {
      throw new AppError(
        'conflict',
        `${fileName}: this database is the researcher's database of study "${pack.study.name}". Open the pack in the evaluator's database (assay pack import FILE --db EVALUATOR.db).`,
      );
    }
    const clash = db
      .prepare(`SELECT study_id FROM packs WHERE study_name = $name AND study_id <> $id LIMIT 1`)
      .get({ name: pack.study.name, id: pack.study.id }) as { study_id: string } | undefined;
    if (clash || db.prepare('SELECT 1 FROM studies WHERE name = $name').get({ name: pack.study.name })) {
      throw new AppError('conflict', `${fileName}: another study named "${pack.study.name}" is already in this database. Open the pack in a fresh database with --db.`);
    }
    const previous = db.prepare(`SELECT content_hash FROM packs WHERE id = $id AND role = 'imported'`).get({ id: pack.pack.id }) as
      | { content_hash: string }
      | undefined;
    try {
      importTasks(
        db,
        pack.items.map((i) => i.task),
        fileName,
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid-input' && /already exists|different task/i.test(err.message)) {
        throw new AppError(
          'conflict',
          `${err.message}\nThis database holds other versions of the pack's tasks (another study's pack, or the researcher's tasks). Open the pack in a fresh database with --db.`,
        );
      }
      throw err;
    }
    ensureEvaluator(db, pack.evaluator.id, pack.evaluator.display_name, now);
    const existing = db.prepare('SELECT label, policy, position FROM queue_items WHERE evaluator_id = $evaluator AND task_id = $task AND study = $study');
    const insert = db.prepare(
      `INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position, created_at)
       VALUES ($evaluator, $task, $study, $label, $label, $policy, $position, $now)`,
    );
    for (const item of pack.items) {
      // This database never learns condition names: the item's condition is its neutral label.
      const policy = item.show_critiques ? 'all' : 'none';
      const row = { evaluator: pack.evaluator.id, task: item.task.id, study: pack.study.name };
      const found = existing.get(row) as { label: string; policy: string; position: number } | undefined;
      if (!found) insert.run({ ...row, label: item.label, policy, position: item.position, now });
      else if (found.label !== item.label || found.policy !== policy || found.position !== item.position) {
        throw new AppError('conflict', `${fileName}: item ${item.position} (task "${item.task.id}") is already in this queue with other settings.`);
      }
    }
    db.prepare(
      `INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at)
       VALUES ($id, 'imported', $studyId, $studyName, $evaluator, $timeLimit, $hash, $createdAt, $now)
       ON CONFLICT (id, role) DO NOTHING`,
    ).run({
      id: pack.pack.id,
      studyId: pack.study.id,
      studyName: pack.study.name,
      evaluator: pack.evaluator.id,
      timeLimit: pack.study.time_limit_seconds,
      hash: pack.hash,
      createdAt: Date.parse(pack.pack.created_at),
      now,
    });
    return { pack: pack.pack.id, study: pack.study.name, evaluator: pack.evaluator.id, items: pack.items.length, unchanged: previous !== undefined };
  }).immediate();
}

/** The packs opened in this database, with how many of their items are finished. */
export function listImportedPacks(db: AnyDb): ImportedPack[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.study_name, p.evaluator_id, p.recorded_at, p.time_limit_seconds,
              (SELECT count(*) FROM queue_items q WHERE q.study = p.study_name AND q.evaluator_id = p.evaluator_id) AS items,
              (SELECT count(*) FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id
                WHERE q.study = p.study_name AND q.evaluator_id = p.evaluator_id AND r.status IN ('submitted', 'skipped')) AS finished
         FROM packs p WHERE p.role = 'imported' ORDER BY p.recorded_at, p.id`,
    )
    .all() as { id: string; study_name: string; evaluator_id: string; recorded_at: number; time_limit_seconds: number | null; items: number; finished: number }[];
  return rows.map((r) => ({ id: r.id, study: r.study_name, evaluator: r.evaluator_id, items: r.items, finished: r.finished, timeLimitSeconds: r.time_limit_seconds, importedAt: r.recorded_at }));
}
