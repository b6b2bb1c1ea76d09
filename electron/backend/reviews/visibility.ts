import type { MetricAnchor } from '../../../shared/metrics/types.js';
import { parsePolicy, selectShownCritiques, type PolicyCritique } from '../../../shared/policy.js';
import { AppError } from '../../../shared/result.js';
import type { TaskView } from '../../../shared/contract/tasks.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import type { ReviewState } from '../../../shared/review/state.js';
import { AnchorSchema, TextAnchorSchema, type Anchor, type TextAnchor } from '../../../shared/anchors.js';
import { shownFile, type TaskFile } from '../../../shared/task-files.js';
import { SeveritySchema, type Severity } from '../../../shared/task-format.js';
import { rowFiles } from '../tasks/texts.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { cachedStatement as stmt } from '../db/statements.js';
import { sha256Json } from '../studies/hash.js';
import { visibleTask } from '../tasks/staging.js';

// What an evaluator may see — the one rule. Every path that shows a task to an evaluator or takes
// their work back goes through this module: the practice and study queues, the review screen, the
// packs, and the results import. It decides (1) which queue items an evaluator may open, (2) which
// critiques an item shows and under which neutral ids (k1…kn), pinned the first time the item is
// shown, and (3) how each task and critique looks to an evaluator.

/** A queue item as the visibility rules need it. */
export interface QueueItemRow {
  readonly id: number;
  readonly evaluator_id: string;
  readonly task_id: string;
  /** '' for the practice queue. */
  readonly study: string;
  readonly condition: string;
  readonly label: string;
  readonly policy: string;
}

/**
 * SQL over a queue item aliased `q`: true when its evaluator may open it.
 *
 * A study item when its study is reviewed here: a study is reviewed either on this machine
 * (`review_here`) or only from packs, never both, so that a review made in this database and one
 * from the evaluator's pack can never collide. In the researcher's database the items of a study
 * reviewed from packs are therefore not in anyone's queue (the Review place says why, see
 * {@link studiesReviewedElsewhere}); in an evaluator's database a study is known only from its
 * opened pack (no `studies` row), so its items are there. A closed study's items stay listed,
 * read-only.
 *
 * A practice item never when its task is in a study of the same evaluator (practice would show
 * what their condition hides), nor while its task is in any study that is not closed — for every
 * profile, new ones included (they could otherwise read a study's critiques, decoys too, before or
 * beside the evaluators who review it unassisted). In an evaluator's database a study is known only
 * from its opened packs, so it counts as open.
 */
// SECURITY: blinding. The only definition of which queue items an evaluator may see.
export const visibleItemSql = `(CASE WHEN q.study <> ''
    THEN NOT EXISTS (SELECT 1 FROM studies sh WHERE sh.name = q.study AND sh.review_here = 0)
    ELSE NOT EXISTS (
    SELECT 1 FROM queue_items s
     WHERE s.task_id = q.task_id AND s.study <> ''
       AND (s.evaluator_id = q.evaluator_id
            OR NOT EXISTS (SELECT 1 FROM studies st WHERE st.name = s.study AND st.state = 'closed'))) END)`;

/** A study whose items an evaluator has in this database but reviews elsewhere (from a pack). */
export interface StudyReviewedElsewhere {
  readonly study: string;
  readonly items: number;
  readonly finished: number;
}

/**
 * The studies of `evaluator` in this (the researcher's) database that are reviewed only from
 * packs, with how many items each holds for them: the Review place explains why they are not in
 * the queue. Empty in an evaluator's database.
 */
export function studiesReviewedElsewhere(db: AnyDb, evaluator: string): StudyReviewedElsewhere[] {
  return stmt(
    db,
    `SELECT q.study AS study, count(*) AS items, count(r.id) FILTER (WHERE r.status IN ('submitted', 'skipped')) AS finished
       FROM queue_items q JOIN studies st ON st.name = q.study AND st.review_here = 0
       LEFT JOIN reviews r ON r.queue_item_id = q.id
      WHERE q.evaluator_id = $evaluator AND q.study <> ''
      GROUP BY q.study ORDER BY q.study`,
  ).all({ evaluator }) as StudyReviewedElsewhere[];
}

/** Study items first (by study, then position), the practice queue last. */
export const queueOrderSql = `ORDER BY q.study = '', q.study, q.position, q.id`;

/** The item `item` of `evaluator`'s queue if they may open it; not-found otherwise (no existence leak). */
export function requireVisibleItem(db: AnyDb, evaluator: string, item: number): QueueItemRow {
  const row = db
    .prepare(
      `SELECT q.id, q.evaluator_id, q.task_id, q.study, q.condition, q.label, q.policy FROM queue_items q
        WHERE q.id = $item AND q.evaluator_id = $evaluator AND ${visibleItemSql}`,
    )
    .get({ item, evaluator }) as QueueItemRow | undefined;
  if (!row) {
    // Their own item of a study reviewed from packs: say where it is reviewed (nothing secret: the
    // Review place names these studies too). Anything else is reported as missing, not forbidden.
    const elsewhere = stmt(
      db,
      `SELECT q.study FROM queue_items q JOIN studies st ON st.name = q.study AND st.review_here = 0 WHERE q.id = $item AND q.evaluator_id = $evaluator`,
    ).get({ item, evaluator }) as { study: string } | undefined;
    if (elsewhere) throw new AppError('conflict', reviewedFromPacksMessage(elsewhere.study, evaluator));
    // SECURITY: another evaluator's item, or a hidden one, is reported as missing, not as forbidden.
    throw new AppError('not-found', `No item ${item} in the queue of "${evaluator}". Go back to the queue.`);
  }
  return row;
}

/** True when the item belongs to a study of this database that is reviewed only from packs. */
export function reviewedFromPacks(db: AnyDb, item: Pick<QueueItemRow, 'study'>): boolean {
  if (item.study === '') return false;
  const row = stmt(db, 'SELECT review_here FROM studies WHERE name = $name').get({ name: item.study }) as { review_here: number } | undefined;
  return row !== undefined && row.review_here === 0;
}

/** Throws `conflict` when the item's study is reviewed from packs only: no review of it is recorded in this database. */
export function requireReviewedHere(db: AnyDb, item: Pick<QueueItemRow, 'study' | 'evaluator_id'>): void {
  if (reviewedFromPacks(db, item)) throw new AppError('conflict', reviewedFromPacksMessage(item.study, item.evaluator_id));
}

/** Why a study item is not reviewed in this database, and what to do instead. */
export function reviewedFromPacksMessage(study: string, evaluator: string): string {
  return `Study "${study}" is reviewed from packs, not on this machine: "${evaluator}" reviews it in their own Assay, from the pack exported for them (Studies → ${study} → Export pack). Its reviews come back as a results file.`;
}

/** The state of the study a queue item belongs to: null for practice items and for studies known only from a pack. */
export function itemStudyState(db: AnyDb, item: Pick<QueueItemRow, 'study'>): 'open' | 'closed' | null {
  if (item.study === '') return null;
  const row = stmt(db, 'SELECT state FROM studies WHERE name = $name').get({ name: item.study }) as { state: 'open' | 'closed' } | undefined;
  return row?.state ?? null;
}

/** Throws `conflict` when the item's study is closed: a closed study takes no new work. */
export function requireOpenStudyItem(db: AnyDb, item: Pick<QueueItemRow, 'study'>, what = 'it takes no new reviews'): void {
  if (itemStudyState(db, item) === 'closed') {
    throw new AppError('conflict', `Study "${item.study}" is closed: ${what}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// How a task and a critique look to an evaluator (packs, the review screen, content hashes).

/** A task row as stored. */
export interface TaskRow {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly title: string | null;
  readonly output: string;
  readonly language: string | null;
  readonly base: string | null;
  /** Multi-file tasks: the files (migration 13); NULL or absent otherwise. */
  readonly files_json?: string | null;
  readonly context_json: string | null;
  /** The hash of the task's source line: it changes whenever the task is replaced. */
  readonly content_hash?: string;
}

/** A critique row as stored. */
export interface CritiqueRow {
  readonly id: string;
  readonly text: string;
  readonly anchor_json: string | null;
  readonly severity: string | null;
  readonly category: string | null;
  readonly score: number | null;
  readonly evidence_json: string | null;
  readonly valid: number | null;
  /** What critic policies select by (migration 12); absent on rows built elsewhere. */
  readonly critic?: string | null;
  readonly sample?: number | null;
  readonly hallucinated?: number;
  readonly resolved_json?: string | null;
}

/** The context an evaluator sees. */
export interface ShownContext {
  readonly document?: string;
  readonly query?: string;
  readonly problem?: string;
  readonly sections?: { title: string; summary?: string; text?: string }[];
}

/** A task as an evaluator sees it (the critiques come separately): never flaws, meta or unknown fields. */
export interface ShownTask {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly title?: string;
  readonly output: string;
  readonly context?: ShownContext;
  readonly language?: string;
  readonly base?: string;
  /** A multi-file task's files (then `output` is empty): only present for such a task, so that the hash of every other task is as before. */
  readonly files?: TaskFile[];
}

/** A critique as an evaluator sees it, without its id: never `valid`, `score`, `model` or unknown fields. */
export interface ShownCritiqueContent {
  readonly text: string;
  readonly anchor?: Anchor;
  readonly severity?: Severity;
  readonly category?: string;
  readonly evidence?: { anchor: TextAnchor; note?: string }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The context an evaluator may see, rebuilt field by field: unknown keys never leave. */
export function shownContext(json: string | null): ShownContext | undefined {
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

/** A task row as an evaluator sees it. */
// SECURITY: blinding. Field by field: flaws, meta and unknown fields never leave.
export function shownTask(row: TaskRow): ShownTask {
  const context = shownContext(row.context_json);
  const files = rowFiles({ output: row.output, base: row.base, files_json: row.files_json ?? null });
  return {
    id: row.id,
    kind: row.kind,
    ...(row.title !== null ? { title: row.title } : {}),
    output: row.output,
    ...(context ? { context } : {}),
    ...(row.language !== null ? { language: row.language } : {}),
    ...(row.base !== null ? { base: row.base } : {}),
    ...(files ? { files: files.map(shownFile) } : {}),
  };
}

/** A critique row as an evaluator sees it (without its id). */
// SECURITY: blinding. Only what the review screen shows: never the original id, score, valid or model.
export function shownCritique(row: CritiqueRow): ShownCritiqueContent {
  const anchor = row.anchor_json ? AnchorSchema.safeParse(JSON.parse(row.anchor_json)) : null;
  const severity = SeveritySchema.safeParse(row.severity);
  const evidence = row.evidence_json ? (JSON.parse(row.evidence_json) as { anchor: unknown; note?: unknown }[]) : [];
  const cleanEvidence = evidence.flatMap((e) => {
    const a = TextAnchorSchema.safeParse(e.anchor);
    return a.success ? [{ anchor: a.data, ...(typeof e.note === 'string' ? { note: e.note } : {}) }] : [];
  });
  return {
    text: row.text,
    ...(anchor?.success ? { anchor: anchor.data } : {}),
    ...(severity.success ? { severity: severity.data } : {}),
    ...(row.category !== null ? { category: row.category } : {}),
    ...(cleanEvidence.length > 0 ? { evidence: cleanEvidence } : {}),
  };
}

/** A task row as the review screen gets it (the contract's TaskView): built from {@link shownTask}. */
export function shownTaskView(row: TaskRow): TaskView {
  const t = shownTask(row);
  return {
    id: t.id,
    kind: t.kind,
    title: t.title ?? null,
    output: t.output,
    language: t.language ?? null,
    base: t.base ?? null,
    files: t.files ? t.files.map(fileView) : null,
    context: t.context ?? null,
  };
}

/** A shown file in the contract's form. */
export function fileView(f: TaskFile): NonNullable<TaskView['files']>[number] {
  return { path: f.path, output: f.output, base: f.base ?? null, language: f.language ?? null, deleted: f.deleted === true, renamedFrom: f.renamed_from ?? null };
}

/**
 * The content hash of a task as shown (`sha256:` + hex over its canonical JSON). Packs, pins and
 * results carry it; the form of {@link shownTask} must therefore never change.
 */
export function shownTaskHash(row: TaskRow): string {
  return sha256Json(shownTask(row));
}

/** The content hash of a critique as shown (see {@link shownTaskHash}). */
export function shownCritiqueHash(row: CritiqueRow): string {
  return sha256Json(shownCritique(row));
}

// ---------------------------------------------------------------------------------------------
// Which critiques an item shows, and pins.

/** The id a pack and the review screen give the i-th shown critique: `k1`, `k2`, … */
export function neutralCritiqueId(i: number): string {
  return `k${i + 1}`;
}

const critiqueColumns = 'id, text, anchor_json, severity, category, score, evidence_json, valid, critic, sample, hallucinated, resolved_json';

/** A task's critiques in task order. */
export function taskCritiqueRows(db: AnyDb, taskId: string): CritiqueRow[] {
  return stmt(db, `SELECT ${critiqueColumns} FROM critiques WHERE task_id = $taskId ORDER BY position`).all({ taskId }) as CritiqueRow[];
}

/** What a critic policy needs besides the rows: the task's kind and the critic's samples on it. */
export interface SelectContext {
  readonly kind: 'summary' | 'code';
  /** The sample indices stored for the policy's critic on the task. */
  readonly samples: readonly number[];
}

/** The context of a critic policy for one task (see {@link selectShownRows}). */
export function selectContext(db: AnyDb, taskId: string, policy: string): SelectContext | undefined {
  const p = parsePolicy(policy);
  if (p.kind !== 'critic') return undefined;
  const kind = (stmt(db, `SELECT t.kind FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`).get({ id: taskId }) as { kind: 'summary' | 'code' } | undefined)?.kind ?? 'summary';
  const samples = (stmt(db, 'SELECT sample FROM critic_samples WHERE task_id = $task AND critic = $critic ORDER BY sample').all({ task: taskId, critic: p.critic }) as { sample: number }[]).map(
    (r) => r.sample,
  );
  return { kind, samples };
}

/**
 * A stored resolved anchor (`resolved_json`) as the overlap tests need it (shared/metrics/
 * matching.ts): code points, lines, the side of a diff and, in a multi-file task, the file — so
 * that lines 3–4 of a.py never overlap lines 3–4 of b.py. The policies and the sweep both use it.
 */
export function storedRange(resolved: string | null | undefined): MetricAnchor | null {
  if (!resolved) return null;
  const r = JSON.parse(resolved) as { start: number; end: number; lines: [number, number]; side?: 'output' | 'base'; path?: string };
  return { start: r.start, end: r.end, lines: r.lines, side: r.side ?? 'output', ...(typeof r.path === 'string' ? { path: r.path } : {}) };
}

/**
 * A stored critique as the policies see it. The one mapping: the pins ({@link selectShownRows})
 * and the study check (studies/check.ts) both use it, so a check says what the items will show.
 */
export function policyCritique(row: Pick<CritiqueRow, 'id' | 'score' | 'valid' | 'critic' | 'sample' | 'hallucinated' | 'resolved_json'>): PolicyCritique {
  return {
    id: row.id,
    score: row.score,
    valid: row.valid === null ? null : row.valid === 1,
    critic: row.critic ?? null,
    sample: row.sample ?? null,
    hallucinated: row.hallucinated === 1,
    range: storedRange(row.resolved_json),
  };
}

/**
 * The critiques a policy shows for a task: the one selection (see shared/policy.ts). Today's
 * policies in task order; a critic policy (`critic=NAME+…`) in (sample, task) order, which needs
 * `context` (the task's kind and the critic's samples, {@link selectContext}).
 */
export function selectShownRows(rows: readonly CritiqueRow[], policy: string, context?: SelectContext): CritiqueRow[] {
  return selectShownCritiques(
    rows.map((row) => ({ ...policyCritique(row), row })),
    parsePolicy(policy),
    context ?? {},
  ).map((c) => c.row);
}

/** One critique an item shows: its neutral id, its original id and the hash of what was shown. */
export interface PinnedCritique {
  readonly neutralId: string;
  readonly id: string;
  readonly hash: string;
}

/**
 * What a queue item shows: the task (by content hash) and the critiques in display order. Stored
 * the first time the item is shown (`stored`); until then computed from the policy.
 */
export interface Pin {
  readonly itemId: number;
  readonly taskId: string;
  readonly taskHash: string;
  /** False when the item's policy shows no critiques (unassisted): then there is no critique panel. */
  readonly showsCritiques: boolean;
  readonly critiques: readonly PinnedCritique[];
  readonly stored: boolean;
  /** For a pin computed (not stored): the task's `content_hash` it was computed from, to see a change before storing it. */
  readonly source?: string;
}

/** One hash over the whole pin: equal tokens mean the same task and the same critiques in the same order. */
export function pinToken(pin: Pin): string {
  return sha256Json({ task: pin.taskHash, critiques: pin.critiques.map((c) => [c.neutralId, c.hash]) });
}

function taskRow(db: AnyDb, id: string): TaskRow {
  const row = stmt(db, 'SELECT id, kind, title, output, language, base, files_json, context_json, content_hash FROM tasks WHERE id = $id').get({ id }) as TaskRow | undefined;
  if (!row) throw new AppError('not-found', `No task with id "${id}"`);
  return row;
}

function storedPin(db: AnyDb, item: QueueItemRow): Pin | undefined {
  const head = stmt(db, 'SELECT task_id, task_hash FROM pinned_items WHERE queue_item_id = $item').get({ item: item.id }) as
    | { task_id: string; task_hash: string }
    | undefined;
  if (!head) return undefined;
  const critiques = (
    stmt(db, 'SELECT neutral_id, critique_id, critique_hash FROM pinned_critiques WHERE queue_item_id = $item ORDER BY position').all({ item: item.id }) as {
      neutral_id: string;
      critique_id: string;
      critique_hash: string;
    }[]
  ).map((r) => ({ neutralId: r.neutral_id, id: r.critique_id, hash: r.critique_hash }));
  return { itemId: item.id, taskId: head.task_id, taskHash: head.task_hash, showsCritiques: parsePolicy(item.policy).kind !== 'none', critiques, stored: true };
}

/**
 * What the item shows now: the stored pin, else computed — from the review's frozen list of shown
 * critiques when a review exists (databases from before pins), else from the item's policy.
 */
export function itemPin(db: AnyDb, item: QueueItemRow): Pin {
  const stored = storedPin(db, item);
  if (stored) return stored;
  const shows = parsePolicy(item.policy).kind !== 'none';
  const rows = taskCritiqueRows(db, item.task_id);
  const review = stmt(db, 'SELECT shown_json FROM reviews WHERE queue_item_id = $item').get({ item: item.id }) as { shown_json: string } | undefined;
  let shown: CritiqueRow[];
  if (review) {
    const byId = new Map(rows.map((r) => [r.id, r]));
    shown = (JSON.parse(review.shown_json) as string[]).flatMap((id) => byId.get(id) ?? []);
  } else shown = shows ? selectShownRows(rows, item.policy, selectContext(db, item.task_id, item.policy)) : [];
  const task = taskRow(db, item.task_id);
  return {
    itemId: item.id,
    taskId: item.task_id,
    taskHash: shownTaskHash(task),
    showsCritiques: shows,
    critiques: shown.map((row, i) => ({ neutralId: neutralCritiqueId(i), id: row.id, hash: shownCritiqueHash(row) })),
    stored: false,
    source: task.content_hash,
  };
}

/** Pins what the item shows (once; later calls return the stored pin). Call inside a write transaction. */
export function ensurePin(db: WritableDb, item: QueueItemRow, now: number): Pin {
  return storePin(db, itemPin(db, item), now);
}

/**
 * Stores a computed pin (a stored one is returned as it is). If another pin was stored for the
 * item meanwhile, that one wins and is returned: the caller compares.
 */
export function storePin(db: WritableDb, pin: Pin, now: number): Pin {
  if (pin.stored) return pin;
  if (pin.source !== undefined) {
    const current = stmt(db, 'SELECT content_hash FROM tasks WHERE id = $id').get({ id: pin.taskId }) as { content_hash: string } | undefined;
    if (current?.content_hash !== pin.source) throw new AppError('conflict', `Task "${pin.taskId}" changed while item ${pin.itemId} was being pinned; try again.`);
  }
  const head = stmt(db, 'SELECT 1 FROM pinned_items WHERE queue_item_id = $item').get({ item: pin.itemId });
  if (head) {
    const item = stmt(db, 'SELECT id, evaluator_id, task_id, study, condition, label, policy FROM queue_items WHERE id = $id').get({ id: pin.itemId }) as QueueItemRow;
    return storedPin(db, item)!;
  }
  stmt(db, 'INSERT INTO pinned_items (queue_item_id, task_id, task_hash, pinned_at) VALUES ($item, $task, $hash, $now)').run({
    item: pin.itemId,
    task: pin.taskId,
    hash: pin.taskHash,
    now,
  });
  const insert = stmt(db, 'INSERT INTO pinned_critiques (queue_item_id, position, neutral_id, critique_id, critique_hash) VALUES ($item, $position, $neutral, $id, $hash)');
  pin.critiques.forEach((c, position) => insert.run({ item: pin.itemId, position, neutral: c.neutralId, id: c.id, hash: c.hash }));
  const { source: _source, ...stored } = pin;
  return { ...stored, stored: true };
}

/** True when two pins show the same task and the same critiques in the same order. */
export function samePin(a: Pin, b: Pin): boolean {
  return pinToken(a) === pinToken(b) && a.critiques.every((c, i) => c.id === b.critiques[i]?.id);
}

/**
 * The critique rows a pin shows, in display order, after checking that the task and every pinned
 * critique still hash to what was pinned (for a stored pin). A mismatch means the task changed behind Assay's back
 * (the triggers of migration 5 refuse that): nothing is shown rather than the wrong thing.
 */
export function pinnedRows(db: AnyDb, pin: Pin): { task: TaskRow; critiques: { neutralId: string; row: CritiqueRow }[] } {
  const task = taskRow(db, pin.taskId);
  // a pin computed just now was computed from these rows: only a stored pin needs the check
  if (pin.stored && shownTaskHash(task) !== pin.taskHash) {
    throw new AppError('internal', `Task "${pin.taskId}" changed after it was shown (item ${pin.itemId}): its content no longer matches what was pinned.`);
  }
  const byId = new Map(taskCritiqueRows(db, pin.taskId).map((r) => [r.id, r]));
  return {
    task,
    critiques: pin.critiques.map((c) => {
      const row = byId.get(c.id);
      if (!row || (pin.stored && shownCritiqueHash(row) !== c.hash)) {
        throw new AppError('internal', `Critique "${c.id}" of task "${pin.taskId}" changed after it was shown as ${c.neutralId} (item ${pin.itemId}).`);
      }
      return { neutralId: c.neutralId, row };
    }),
  };
}

/** The original critique id behind a neutral one, or undefined when the item shows no such critique. */
export function originalCritiqueId(pin: Pin, neutralId: string): string | undefined {
  return pin.critiques.find((c) => c.neutralId === neutralId)?.id;
}

/** The neutral id of an original critique id, or undefined. */
export function neutralIdOf(pin: Pin, id: string): string | undefined {
  return pin.critiques.find((c) => c.id === id)?.neutralId;
}

/**
 * An event with its critique id renamed by `rename` (decisions carry one; other events pass
 * unchanged). Returns undefined when `rename` does not know the id.
 */
export function renameEventCritique(event: ReviewEvent, rename: (id: string) => string | undefined): ReviewEvent | undefined {
  if (event.type === 'decision-recorded' || event.type === 'decision-cleared') {
    const id = rename(event.critique);
    return id === undefined ? undefined : { ...event, critique: id };
  }
  if (event.type === 'critiques-added') {
    const ids = event.critiques.map(rename);
    return ids.every((id) => id !== undefined) ? { ...event, critiques: ids as string[] } : undefined;
  }
  return event;
}

/** A stored event as its evaluator sees it (neutral critique ids). */
// SECURITY: blinding. Original critique ids never reach an evaluator's view.
export function eventForEvaluator(pin: Pin, event: ReviewEvent): ReviewEvent {
  const renamed = renameEventCritique(event, (id) => neutralIdOf(pin, id));
  if (!renamed) throw new AppError('internal', `A logged event of item ${pin.itemId} names a critique the item does not show.`);
  return renamed;
}

/** A review state with its decisions keyed by neutral id: what the review rules check an evaluator's event against. */
export function stateForEvaluator(pin: Pin, state: ReviewState): ReviewState {
  const decisions: Record<string, ReviewState['content']['decisions'][string]> = {};
  for (const [id, d] of Object.entries(state.content.decisions)) decisions[neutralIdOf(pin, id) ?? `?${Object.keys(decisions).length}`] = d;
  return { ...state, content: { ...state.content, decisions } };
}

/**
 * Adds critiques to what a practice item shows ("Ask the critic"): appended to its pin as the next
 * neutral ids, so everything shown before keeps its id and hash. Refused for study items: a study
 * item shows exactly what it was pinned to, for good. Call inside a write transaction, with a
 * stored pin. Returns the new neutral ids.
 */
// SECURITY: blinding. The only way a pin grows, and only in the practice queue.
export function appendToPracticePin(db: WritableDb, item: QueueItemRow, critiqueIds: readonly string[]): string[] {
  if (item.study !== '') throw new AppError('conflict', 'A study item shows exactly what it showed first: critiques are added only in the practice queue.');
  const head = stmt(db, 'SELECT 1 FROM pinned_items WHERE queue_item_id = $item').get({ item: item.id });
  if (!head) throw new AppError('conflict', `Item ${item.id} has not been shown yet: start its review first.`);
  const byId = new Map(taskCritiqueRows(db, item.task_id).map((r) => [r.id, r]));
  let position = (stmt(db, 'SELECT count(*) AS n FROM pinned_critiques WHERE queue_item_id = $item').get({ item: item.id }) as { n: number }).n;
  const insert = stmt(db, 'INSERT INTO pinned_critiques (queue_item_id, position, neutral_id, critique_id, critique_hash) VALUES ($item, $position, $neutral, $id, $hash)');
  const added: string[] = [];
  for (const id of critiqueIds) {
    const row = byId.get(id);
    if (!row) throw new AppError('internal', `Critique "${id}" is not a critique of task "${item.task_id}".`);
    const neutral = neutralCritiqueId(position);
    insert.run({ item: item.id, position, neutral, id, hash: shownCritiqueHash(row) });
    added.push(neutral);
    position++;
  }
  return added;
}
