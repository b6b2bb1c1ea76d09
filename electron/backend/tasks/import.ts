import crypto from 'node:crypto';
import { TaskSchema, type TaskInput } from '../../../shared/task-format.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';

/** Counts reported after an import. */
export interface ImportSummary {
  tasks: number;
  critiques: number;
  flaws: number;
  unchanged: number;
}

/** A stable hash of a task's content: key order does not matter. */
export function contentHash(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON with object keys sorted, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/**
 * Imports already-parsed tasks in one transaction (all or nothing). An identical task is a no-op;
 * the same id with other content is an error.
 */
export function importTasks(db: WritableDb, tasks: readonly unknown[], source = 'input'): ImportSummary {
  const parsed: TaskInput[] = tasks.map((raw, i) => {
    const r = TaskSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new AppError('invalid-input', `${source}:${i + 1}: ${issue.path.join('.') || '(task)'}: ${issue.message}`);
    }
    return r.data;
  });
  const existing = db.prepare('SELECT content_hash FROM tasks WHERE id = $id');
  const nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM tasks');
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, seq, kind, title, output, language, base, context_json, meta_json, source_json, content_hash, imported_at)
     VALUES ($id, $seq, $kind, $title, $output, $language, $base, $context, $meta, $source, $hash, $now)`,
  );
  const insertCritique = db.prepare(
    `INSERT INTO critiques (task_id, id, position, text, anchor_json, severity, category, score, model, evidence_json, valid)
     VALUES ($task, $id, $position, $text, $anchor, $severity, $category, $score, $model, $evidence, $valid)`,
  );
  const insertFlaw = db.prepare(
    `INSERT INTO flaws (task_id, id, position, description, anchor_json, severity, category, critiques_json)
     VALUES ($task, $id, $position, $description, $anchor, $severity, $category, $critiques)`,
  );
  const summary: ImportSummary = { tasks: 0, critiques: 0, flaws: 0, unchanged: 0 };
  db.transaction(() => {
    parsed.forEach((task, i) => {
      const hash = contentHash(tasks[i]);
      const found = existing.get({ id: task.id }) as { content_hash: string } | undefined;
      if (found) {
        if (found.content_hash === hash) {
          summary.unchanged++;
          return;
        }
        throw new AppError('conflict', `${source}:${i + 1}: id: a different task with id "${task.id}" already exists`);
      }
      const { seq } = nextSeq.get() as { seq: number };
      insertTask.run({
        id: task.id,
        seq,
        kind: task.kind,
        title: task.title ?? null,
        output: task.output,
        language: task.language ?? null,
        base: task.base ?? null,
        context: json(task.context),
        meta: json(task.meta),
        source: JSON.stringify(tasks[i]),
        hash,
        now: Date.now(),
      });
      (task.critiques ?? []).forEach((c, position) => {
        insertCritique.run({
          task: task.id,
          id: c.id,
          position,
          text: c.text,
          anchor: json(c.anchor),
          severity: c.severity ?? null,
          category: c.category ?? null,
          score: c.score ?? null,
          model: c.model ?? null,
          evidence: json(c.evidence),
          valid: c.valid === undefined ? null : c.valid ? 1 : 0,
        });
        summary.critiques++;
      });
      (task.flaws ?? []).forEach((f, position) => {
        insertFlaw.run({
          task: task.id,
          id: f.id,
          position,
          description: f.description,
          anchor: json(f.anchor),
          severity: f.severity ?? null,
          category: f.category ?? null,
          critiques: json(f.critiques),
        });
        summary.flaws++;
      });
      summary.tasks++;
    });
  })();
  return summary;
}
