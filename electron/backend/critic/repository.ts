import crypto from 'node:crypto';
import { z } from 'zod';
import { CriticNameSchema } from '../../../shared/critic/names.js';
import { isHallucinated, type CheckedCritique } from '../../../shared/critic/resolve.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { cachedStatement as stmt } from '../db/statements.js';
import { taskChangeRefusal } from '../tasks/guard.js';
import { visibleTask } from '../tasks/staging.js';

// Critics in the database: their identity, the samples stored, and the critiques they generated.

/** Where a critic's API key comes from. Never the key itself: that is in no table. */
export const KeySourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({ kind: z.literal('env'), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name (letters, digits, "_")') })
    .strict(),
  z.object({ kind: z.literal('keychain') }).strict(),
]);
/** Where a critic's API key comes from. */
export type KeySource = z.infer<typeof KeySourceSchema>;

/** A prompt template and its sha256 (hex of its UTF-8 bytes). */
export interface PromptRef {
  readonly sha256: string;
  readonly text: string;
}

/** The sampling parameters that are part of a critic's identity. */
export interface SamplingParams {
  readonly temperature: number;
  /** Sample i is asked with seed + i. */
  readonly seed: number;
  readonly max_tokens: number;
}

/** Everything that makes a critic (its identity) and how to reach it. */
export interface CriticConfig {
  readonly name: string;
  readonly model: string;
  readonly baseUrl: string;
  readonly prompts: { readonly summary: PromptRef; readonly code: PromptRef };
  readonly params: SamplingParams;
  readonly key: KeySource;
}

/** A stored critic. */
export interface CriticRecord extends CriticConfig {
  readonly onDemand: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The sha256 (hex) of a text's UTF-8 bytes. */
export function sha256Text(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

interface CriticRow {
  name: string;
  model: string;
  base_url: string;
  prompts_json: string;
  params_json: string;
  key_json: string;
  on_demand: number;
  created_at: number;
  updated_at: number;
}

function fromRow(r: CriticRow): CriticRecord {
  return {
    name: r.name,
    model: r.model,
    baseUrl: r.base_url,
    prompts: JSON.parse(r.prompts_json) as CriticConfig['prompts'],
    params: JSON.parse(r.params_json) as SamplingParams,
    key: KeySourceSchema.parse(JSON.parse(r.key_json)),
    onDemand: r.on_demand === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The critic called `name`, or undefined. */
export function findCritic(db: AnyDb, name: string): CriticRecord | undefined {
  const row = db.prepare('SELECT * FROM critics WHERE name = $name').get({ name }) as CriticRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Every critic, by name. */
export function listCritics(db: AnyDb): CriticRecord[] {
  return (db.prepare('SELECT * FROM critics ORDER BY name').all() as CriticRow[]).map(fromRow);
}

/** The critic "Ask the critic" uses, or undefined. */
export function onDemandCritic(db: AnyDb): CriticRecord | undefined {
  const row = db.prepare('SELECT * FROM critics WHERE on_demand = 1').get() as CriticRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** How a stored critic differs from a configuration in what makes its identity (empty: the same critic). */
export function identityDifferences(stored: CriticConfig, wanted: CriticConfig): string[] {
  const out: string[] = [];
  if (stored.model !== wanted.model) out.push(`model ${JSON.stringify(stored.model)} → ${JSON.stringify(wanted.model)}`);
  for (const kind of ['summary', 'code'] as const) {
    if (stored.prompts[kind].sha256 !== wanted.prompts[kind].sha256) out.push(`${kind} prompt sha256 ${stored.prompts[kind].sha256.slice(0, 12)}… → ${wanted.prompts[kind].sha256.slice(0, 12)}…`);
  }
  for (const k of ['temperature', 'seed', 'max_tokens'] as const) {
    if (stored.params[k] !== wanted.params[k]) out.push(`${k} ${stored.params[k]} → ${wanted.params[k]}`);
  }
  return out;
}

/** Why a critic's generated critiques may not be deleted (a task a study or review showed), or null. */
function removalRefusal(db: AnyDb, name: string): string | null {
  const tasks = (
    db
      .prepare(
        `SELECT DISTINCT task_id FROM (SELECT task_id FROM critic_samples WHERE critic = $name
                                        UNION SELECT task_id FROM critiques WHERE critic = $name AND generated = 1)`,
      )
      .all({ name }) as { task_id: string }[]
  ).map((r) => r.task_id);
  const refusals: string[] = [];
  for (const t of tasks) {
    const why = taskChangeRefusal(db, t);
    if (why) refusals.push(why);
  }
  if (refusals.length === 0) return null;
  return `critic "${name}" has critiques on ${refusals.length} task${refusals.length === 1 ? '' : 's'} that were already shown, so they cannot be removed or regenerated (use another --name): ${refusals.slice(0, 3).join(' ')}${refusals.length > 3 ? ` … and ${refusals.length - 3} more` : ''}`;
}

/** Deletes a critic's generated critiques and samples; call inside a write transaction. Returns how many critiques went. */
function deleteGenerated(db: WritableDb, name: string): { critiques: number; samples: number } {
  const critiques = db.prepare('DELETE FROM critiques WHERE critic = $name AND generated = 1').run({ name }).changes;
  const samples = db.prepare('DELETE FROM critic_samples WHERE critic = $name').run({ name }).changes;
  return { critiques, samples };
}

/**
 * Registers a critic for a run. A new name is stored; the same name with the same identity is
 * kept (its base URL and key source updated); the same name with another model, prompt or
 * sampling parameters is refused unless `replace`, which deletes its generated critiques first
 * (refused when any of them was shown). Returns what `replace` deleted.
 */
export function ensureCritic(db: WritableDb, config: CriticConfig, options: { readonly replace: boolean; readonly onDemand?: boolean; readonly now?: number }): { replaced: { critiques: number; samples: number } | null } {
  const name = CriticNameSchema.safeParse(config.name);
  if (!name.success) throw new AppError('invalid-input', `--name: ${name.error.issues[0]!.message}`);
  const now = options.now ?? Date.now();
  return db.transaction(() => {
    const stored = findCritic(db, config.name);
    let replaced: { critiques: number; samples: number } | null = null;
    if (stored) {
      const diff = identityDifferences(stored, config);
      if (options.replace) {
        const refusal = removalRefusal(db, config.name);
        if (refusal) throw new AppError('conflict', refusal);
        replaced = deleteGenerated(db, config.name);
      } else if (diff.length > 0) {
        throw new AppError(
          'conflict',
          `critic "${config.name}" already exists with other settings (${diff.join('; ')}): a critic's name is its identity. Use another --name, or --replace to delete its critiques and generate them again.`,
        );
      }
    }
    const row = {
      name: config.name,
      model: config.model,
      base: config.baseUrl,
      prompts: JSON.stringify(config.prompts),
      params: JSON.stringify(config.params),
      key: JSON.stringify(KeySourceSchema.parse(config.key)),
      now,
    };
    if (options.onDemand) db.prepare('UPDATE critics SET on_demand = 0 WHERE on_demand = 1 AND name <> $name').run({ name: config.name });
    db.prepare(
      `INSERT INTO critics (name, model, base_url, prompts_json, params_json, key_json, on_demand, created_at, updated_at)
       VALUES ($name, $model, $base, $prompts, $params, $key, $onDemand, $now, $now)
       ON CONFLICT (name) DO UPDATE SET model = $model, base_url = $base, prompts_json = $prompts, params_json = $params, key_json = $key,
         on_demand = max(on_demand, $onDemand), updated_at = $now`,
    ).run({ ...row, onDemand: options.onDemand ? 1 : 0 });
    return { replaced };
  }).immediate();
}

/** Marks the critic "Ask the critic" uses (null: none). */
export function setOnDemandCritic(db: WritableDb, name: string | null): void {
  db.transaction(() => {
    if (name !== null && !findCritic(db, name)) throw new AppError('not-found', `No critic "${name}" in this database.`);
    db.prepare('UPDATE critics SET on_demand = 0 WHERE on_demand = 1').run();
    if (name !== null) db.prepare('UPDATE critics SET on_demand = 1 WHERE name = $name').run({ name });
  }).immediate();
}

/**
 * `assay critique remove`: deletes a critic's generated critiques, its samples and the critic
 * itself, all or nothing — refused (naming tasks and studies) when a study or review showed any
 * of its critiques' tasks. Critiques imported with a `critic` object belong to their task package
 * and stay.
 */
export function removeCritic(db: WritableDb, name: string): { critiques: number; samples: number } {
  return db.transaction(() => {
    if (!findCritic(db, name)) {
      const names = listCritics(db).map((c) => c.name);
      throw new AppError('not-found', `No critic "${name}" in this database.${names.length ? ` Critics: ${names.join(', ')}.` : ''}`);
    }
    const refusal = removalRefusal(db, name);
    if (refusal) throw new AppError('conflict', refusal);
    // a study whose condition selects this critic would show nothing there
    const using = (db.prepare(`SELECT DISTINCT s.name FROM study_conditions c JOIN studies s ON s.id = c.study_id WHERE c.policy = $exact OR c.policy LIKE $prefix ESCAPE '\\' ORDER BY s.name`).all({
      exact: `critic=${name}`,
      prefix: `critic=${name.replace(/[\\%_]/g, (c) => `\\${c}`)}+%`,
    }) as { name: string }[]).map((r) => r.name);
    if (using.length > 0) throw new AppError('conflict', `critic "${name}" is used by the conditions of study ${using.map((u) => `"${u}"`).join(', ')}: its critiques cannot be removed.`);
    const deleted = deleteGenerated(db, name);
    db.prepare('DELETE FROM critics WHERE name = $name').run({ name });
    return deleted;
  }).immediate();
}

/** The (task, sample) pairs of a critic already stored: sampled here, or imported with a `critic` object. */
export function storedSamples(db: AnyDb, critic: string): Set<string> {
  const rows = db
    .prepare(
      `SELECT task_id, sample FROM critic_samples WHERE critic = $critic
       UNION SELECT task_id, sample FROM critiques WHERE critic = $critic AND sample IS NOT NULL`,
    )
    .all({ critic }) as { task_id: string; sample: number }[];
  return new Set(rows.map((r) => sampleKey(r.task_id, r.sample)));
}

/** The key of a (task, sample) pair in {@link storedSamples}. */
export function sampleKey(task: string, sample: number): string {
  return `${task}\u0000${sample}`;
}

/** The next sample index of a critic on a task (one past the highest stored). */
export function nextSample(db: AnyDb, critic: string, task: string): number {
  const row = db
    .prepare(
      `SELECT max(s) AS s FROM (SELECT max(sample) AS s FROM critic_samples WHERE critic = $critic AND task_id = $task
                                UNION ALL SELECT max(sample) FROM critiques WHERE critic = $critic AND task_id = $task)`,
    )
    .get({ critic, task }) as { s: number | null };
  return row.s === null ? 0 : row.s + 1;
}

/** A task as a critic run reads it. */
export interface CriticTaskRow {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly title: string | null;
  readonly output: string;
  readonly language: string | null;
  readonly base: string | null;
  readonly context_json: string | null;
}

/** One visible task, or undefined. */
export function criticTask(db: AnyDb, id: string): CriticTaskRow | undefined {
  return stmt(db, `SELECT t.id, t.kind, t.title, t.output, t.language, t.base, t.context_json FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`).get({ id }) as
    | CriticTaskRow
    | undefined;
}

/**
 * Why the critic does not read task `id`, or null when it does. A multi-file code task (format
 * 1.1) has its text in `files` and an empty `output`: the prompts and the anchors the critic
 * resolves are for one output (and its base), so every quote would be "hallucinated". Refused,
 * never asked, rather than critiqued blind.
 */
export function criticReadRefusal(db: AnyDb, id: string): string | null {
  const row = stmt(db, 'SELECT files_json IS NOT NULL AS multi FROM tasks WHERE id = $id').get({ id }) as { multi: 0 | 1 } | undefined;
  return row?.multi === 1 ? `task "${id}" is a multi-file code task: the critic reads tasks with one output (and its base) only, so it was not asked` : null;
}

/** Every visible task id, in import order. */
export function allTaskIds(db: AnyDb): string[] {
  return (db.prepare(`SELECT t.id FROM tasks t INDEXED BY tasks_visible WHERE ${visibleTask('t')} ORDER BY t.seq`).all() as { id: string }[]).map((r) => r.id);
}

/** The provenance common to one sample's critiques: the `critic` object of each. */
export interface SampleProvenance {
  readonly name: string;
  /** The endpoint's host and port (never a key, a path or a query). */
  readonly endpoint: string;
  readonly prompt_sha256: string;
  readonly params: { readonly temperature: number; readonly max_tokens: number };
  readonly seed: number;
  readonly sample: number;
  /** Token counts of the request that produced this sample, as the endpoint reported them. */
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number } | null;
  /** When the answer arrived (ISO 8601, UTC). */
  readonly created_at: string;
  readonly duration_ms: number;
  /** How structured output was asked for (json_schema, llama, ollama, none). */
  readonly structured: string;
}

/** One sample to store. */
export interface SampleToStore {
  readonly task: string;
  readonly critic: string;
  readonly model: string;
  readonly provenance: SampleProvenance;
  readonly critiques: readonly CheckedCritique[];
}

/** The critique as the export writes it (and as it would be imported elsewhere). */
function exportedCritique(id: string, c: CheckedCritique, model: string, provenance: SampleProvenance): Record<string, unknown> {
  return {
    id,
    text: c.text,
    ...(c.anchor ? { anchor: c.anchor } : {}),
    ...(c.severity ? { severity: c.severity } : {}),
    ...(c.category ? { category: c.category } : {}),
    score: c.score,
    model,
    ...(c.evidence.length > 0 ? { evidence: c.evidence.map((e) => ({ anchor: e.anchor })) } : {}),
    critic: provenance,
    ...(c.unverifiedQuote !== null ? { unverified_quote: c.unverifiedQuote } : {}),
    ...(c.unverifiedLines !== null ? { unverified_lines: c.unverifiedLines } : {}),
    ...(c.unverifiedEvidence.length > 0 ? { unverified_evidence: c.unverifiedEvidence } : {}),
  };
}

/** What storing a sample did. */
export type StoreOutcome =
  | { readonly kind: 'stored'; readonly critiques: number; readonly hallucinated: number; readonly ids: readonly string[] }
  | { readonly kind: 'exists' }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Stores one sample and its critiques in one transaction, or nothing: a sample already stored (by
 * another run, or a run killed after its commit) is left alone, and a task a study has shown
 * meanwhile is refused by the one guard. Ids are `CRITIC.sN.cM`; positions follow the task's last.
 */
export function storeSample(db: WritableDb, s: SampleToStore, now = Date.now()): StoreOutcome {
  return db.transaction((): StoreOutcome => {
    if (!criticTask(db, s.task)) return { kind: 'refused', reason: `task "${s.task}" is no longer in the database` };
    const refusal = taskChangeRefusal(db, s.task, 'add-critiques');
    if (refusal) return { kind: 'refused', reason: refusal };
    if (stmt(db, 'SELECT 1 FROM critic_samples WHERE task_id = $task AND critic = $critic AND sample = $sample').get({ task: s.task, critic: s.critic, sample: s.provenance.sample })) {
      return { kind: 'exists' };
    }
    const taken = new Set((stmt(db, 'SELECT id FROM critiques WHERE task_id = $task').all({ task: s.task }) as { id: string }[]).map((r) => r.id));
    let position = (stmt(db, 'SELECT coalesce(max(position), -1) AS p FROM critiques WHERE task_id = $task').get({ task: s.task }) as { p: number }).p + 1;
    const insert = stmt(
      db,
      `INSERT INTO critiques (task_id, id, position, text, anchor_json, resolved_json, severity, category, score, model, evidence_json, valid,
                              critic, sample, generated, hallucinated, source_json)
       VALUES ($task, $id, $position, $text, $anchor, $resolved, $severity, $category, $score, $model, $evidence, NULL,
               $critic, $sample, 1, $hallucinated, $source)`,
    );
    const ids: string[] = [];
    let hallucinated = 0;
    s.critiques.forEach((c, i) => {
      let id = `${s.critic}.s${s.provenance.sample}.c${i + 1}`;
      for (let n = 2; taken.has(id); n++) id = `${s.critic}.s${s.provenance.sample}.c${i + 1}-${n}`;
      taken.add(id);
      ids.push(id);
      const h = isHallucinated(c);
      if (h) hallucinated++;
      insert.run({
        task: s.task,
        id,
        position: position++,
        text: c.text,
        anchor: c.anchor ? JSON.stringify(c.anchor) : null,
        resolved: c.resolved ? JSON.stringify(c.resolved) : null,
        severity: c.severity,
        category: c.category,
        score: c.score,
        model: s.model,
        evidence: c.evidence.length > 0 ? JSON.stringify(c.evidence.map((e) => ({ anchor: e.anchor, resolved: e.resolved }))) : null,
        critic: s.critic,
        sample: s.provenance.sample,
        hallucinated: h ? 1 : 0,
        source: JSON.stringify(exportedCritique(id, c, s.model, s.provenance)),
      });
    });
    stmt(
      db,
      `INSERT INTO critic_samples (task_id, critic, sample, critiques, hallucinated, provenance_json, created_at)
       VALUES ($task, $critic, $sample, $n, $h, $provenance, $now)`,
    ).run({ task: s.task, critic: s.critic, sample: s.provenance.sample, n: s.critiques.length, h: hallucinated, provenance: JSON.stringify(s.provenance), now });
    return { kind: 'stored', critiques: s.critiques.length, hallucinated, ids };
  }).immediate();
}

/** A critique with its provenance, for the Tasks preview. */
export interface CritiqueProvenanceRow {
  readonly id: string;
  readonly text: string;
  readonly severity: string | null;
  readonly category: string | null;
  readonly score: number | null;
  readonly model: string | null;
  readonly critic: string | null;
  readonly sample: number | null;
  readonly generated: boolean;
  readonly hallucinated: boolean;
  readonly anchored: boolean;
  /** The `critic` object (provenance) and any unverified quotes, from the critique's JSON. */
  readonly details: Record<string, unknown> | null;
}

/** A task's critiques that carry a critic (generated here or imported with one), in task order. */
export function taskCritiqueProvenance(db: AnyDb, taskId: string): CritiqueProvenanceRow[] {
  const rows = db
    .prepare(
      `SELECT id, text, severity, category, score, model, critic, sample, generated, hallucinated, anchor_json, source_json
         FROM critiques WHERE task_id = $taskId AND critic IS NOT NULL ORDER BY position`,
    )
    .all({ taskId }) as {
    id: string;
    text: string;
    severity: string | null;
    category: string | null;
    score: number | null;
    model: string | null;
    critic: string | null;
    sample: number | null;
    generated: number;
    hallucinated: number;
    anchor_json: string | null;
    source_json: string | null;
  }[];
  // critiques imported with a critic object keep their provenance in the task's own line
  let imported: Map<string, Record<string, unknown>> | undefined;
  const importedCritique = (id: string): Record<string, unknown> | null => {
    if (!imported) {
      const task = db.prepare(`SELECT t.source_json FROM tasks t WHERE t.id = $taskId AND ${visibleTask('t')}`).get({ taskId }) as { source_json: string } | undefined;
      const list = task ? ((JSON.parse(task.source_json) as { critiques?: unknown }).critiques ?? []) : [];
      imported = new Map((Array.isArray(list) ? (list as Record<string, unknown>[]) : []).filter((c) => c && typeof c['id'] === 'string').map((c) => [c['id'] as string, c]));
    }
    return imported.get(id) ?? null;
  };
  return rows.map((r) => {
    const source = r.source_json ? (JSON.parse(r.source_json) as Record<string, unknown>) : r.generated === 0 ? importedCritique(r.id) : null;
    const details = source
      ? {
          critic: source['critic'],
          ...(source['unverified_quote'] !== undefined ? { unverified_quote: source['unverified_quote'] } : {}),
          ...(source['unverified_lines'] !== undefined ? { unverified_lines: source['unverified_lines'] } : {}),
          ...(source['unverified_evidence'] !== undefined ? { unverified_evidence: source['unverified_evidence'] } : {}),
        }
      : null;
    return {
      id: r.id,
      text: r.text,
      severity: r.severity,
      category: r.category,
      score: r.score,
      model: r.model,
      critic: r.critic,
      sample: r.sample,
      generated: r.generated === 1,
      hallucinated: r.hallucinated === 1,
      anchored: r.anchor_json !== null,
      details,
    };
  });
}
