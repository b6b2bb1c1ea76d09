import crypto from 'node:crypto';
import type { StudyAssignment, StudyDetail, StudySummary } from '../../../shared/contract/studies.js';
import { AppError } from '../../../shared/result.js';
import { AssignmentError, assignStudy } from '../../../shared/study/assign.js';
import { parsePolicy } from '../../../shared/policy.js';
import { StudySpecSchema, type StudySpecInput } from '../../../shared/study/spec.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { defaultStudySettings } from '../../../shared/study/settings.js';
import { ensureEvaluator } from '../reviews/repository.js';
import { visibleTask } from '../tasks/staging.js';
import { parseStoredSettings, storedSettingsJson } from './settings.js';
import { studyDeletionRefusal } from './deletion.js';
import { checkDesign, storeCheck, storedCheck } from './check.js';

/** A study row. */
export interface StudyRow {
  readonly id: string;
  readonly name: string;
  readonly seed: number;
  readonly overlap: number;
  readonly time_limit_seconds: number | null;
  readonly created_at: number;
  readonly state: 'open' | 'closed';
  readonly closed_at: number | null;
  /** When the study first showed anything (a pack export, a review): from then on its tasks are frozen. */
  readonly frozen_at: number | null;
  /** The study's settings as JSON (migration 9; read with `parseStoredSettings`). */
  readonly settings_json: string;
  /** 1: reviewed on this machine only; 0: only from packs (migration 8). */
  readonly review_here: 0 | 1;
  readonly researcher: string | null;
  /** When the study was archived (hidden from the lists), or null. */
  readonly archived_at: number | null;
}

/** The study called `name`, or undefined. */
export function findStudy(db: AnyDb, name: string): StudyRow | undefined {
  return db.prepare('SELECT * FROM studies WHERE name = $name').get({ name }) as StudyRow | undefined;
}

/** The study with id `id`, or undefined. */
export function findStudyById(db: AnyDb, id: string): StudyRow | undefined {
  return db.prepare('SELECT * FROM studies WHERE id = $id').get({ id }) as StudyRow | undefined;
}

/** The study called `name`; throws not-found listing the studies there are. */
export function requireStudy(db: AnyDb, name: string): StudyRow {
  const row = findStudy(db, name);
  if (row) return row;
  const names = (db.prepare('SELECT name FROM studies ORDER BY created_at, name').all() as { name: string }[]).map((r) => r.name);
  throw new AppError(
    'not-found',
    `No study "${name}" in this database. ${names.length ? `Studies: ${names.join(', ')}.` : 'There are no studies yet: create one with assay study create.'}`,
  );
}

/** A study's conditions in order. */
export function studyConditions(db: AnyDb, studyId: string): { name: string; policy: string }[] {
  return db.prepare('SELECT name, policy FROM study_conditions WHERE study_id = $studyId ORDER BY position').all({ studyId }) as {
    name: string;
    policy: string;
  }[];
}

function taskIds(db: AnyDb, requested: readonly string[] | undefined): string[] {
  if (!requested) {
    const all = (db.prepare(`SELECT t.id FROM tasks t WHERE ${visibleTask('t')} ORDER BY t.seq`).all() as { id: string }[]).map((r) => r.id);
    if (all.length === 0) throw new AppError('invalid-input', 'This database has no tasks. Import tasks first (assay import FILE), then create the study.');
    return all;
  }
  const exists = db.prepare(`SELECT 1 FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`);
  const missing = requested.filter((id) => !exists.get({ id }));
  if (missing.length > 0) {
    throw new AppError(
      'invalid-input',
      `tasks: ${missing.length} task id(s) not in this database: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
    );
  }
  return [...requested];
}

/**
 * Creates a study: validates the specification, computes the seeded balanced assignment and writes
 * the study and every evaluator's queue items in one transaction.
 */
export function createStudy(db: WritableDb, input: StudySpecInput, now = Date.now(), options: { readonly force?: boolean } = {}): StudyDetail {
  const parsed = StudySpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid-input', `${issue.path.join('.') || '(study)'}: ${issue.message}`);
  }
  const spec = parsed.data;
  return db.transaction(() => {
    if (findStudy(db, spec.name)) throw new AppError('conflict', `A study named "${spec.name}" already exists. Choose another name.`);
    if (db.prepare('SELECT 1 FROM queue_items WHERE study = $name LIMIT 1').get({ name: spec.name })) {
      throw new AppError('conflict', `Queue items for a study "${spec.name}" already exist here (from an opened pack). Choose another name.`);
    }
    const tasks = taskIds(db, spec.tasks);
    spec.conditions.forEach((c, i) => requireCriticCoverage(db, c.policy, tasks, i));
    // The study check (issue #11): hazards are stored with the study; an error refuses unless forced.
    const check = checkDesign(db, { conditions: spec.conditions, evaluators: spec.evaluators.length, overlap: spec.overlap }, tasks);
    if (check.refused && !options.force) {
      const errors = check.hazards.filter((h) => h.severity === 'error');
      throw new AppError('invalid-input', `The study check refuses this design:\n${errors.map((h) => `- ${h.message} ${h.action}`).join('\n')}\nCreate it anyway with --force (CLI) or “Create anyway” (New study screen).`);
    }
    let assignments;
    try {
      assignments = assignStudy({
        tasks,
        evaluators: spec.evaluators.map((e) => e.id),
        conditions: spec.conditions.map((c) => c.name),
        overlap: spec.overlap,
        seed: spec.seed,
      });
    } catch (err) {
      if (err instanceof AssignmentError) throw new AppError('invalid-input', err.message);
      throw err;
    }
    const id = crypto.randomUUID();
    const settings = spec.settings ?? defaultStudySettings;
    // time_limit_seconds (migration 3) mirrors the setting for readers that know only that column
    db.prepare(
      `INSERT INTO studies (id, name, seed, overlap, time_limit_seconds, created_at, settings_json, review_here, researcher)
       VALUES ($id, $name, $seed, $overlap, $timeLimit, $now, $settings, $reviewHere, $researcher)`,
    ).run({
      id,
      name: spec.name,
      seed: spec.seed,
      overlap: spec.overlap,
      timeLimit: settings.timeLimitSeconds,
      now,
      settings: storedSettingsJson(settings),
      reviewHere: spec.reviewHere ? 1 : 0,
      researcher: spec.researcher ?? null,
    });
    storeCheck(db, id, check, check.refused, now);
    const addCondition = db.prepare('INSERT INTO study_conditions (study_id, position, name, policy) VALUES ($id, $position, $name, $policy)');
    spec.conditions.forEach((c, position) => addCondition.run({ id, position, name: c.name, policy: c.policy }));
    const addEvaluator = db.prepare('INSERT INTO study_evaluators (study_id, position, evaluator_id) VALUES ($id, $position, $evaluator)');
    spec.evaluators.forEach((e, position) => {
      ensureEvaluator(db, e.id, e.displayName ?? e.id, now);
      addEvaluator.run({ id, position, evaluator: e.id });
    });
    const addTask = db.prepare('INSERT INTO study_tasks (study_id, position, task_id) VALUES ($id, $position, $task)');
    tasks.forEach((task, position) => addTask.run({ id, position, task }));
    const policyOf = new Map(spec.conditions.map((c) => [c.name, c.policy]));
    const addItem = db.prepare(
      `INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position, created_at)
       VALUES ($evaluator, $task, $study, $condition, $label, $policy, $position, $now)`,
    );
    for (const a of assignments) {
      addItem.run({ evaluator: a.evaluator, task: a.task, study: spec.name, condition: a.condition, label: a.label, policy: policyOf.get(a.condition)!, position: a.position, now });
    }
    return getStudy(db, spec.name);
  }).immediate();
}

/**
 * A condition with a critic policy needs that critic's critiques on every task of the study: a
 * task without them would show an unassisted item inside an assisted condition. Refused, naming
 * the condition, the critic and the first tasks that lack them.
 */
function requireCriticCoverage(db: AnyDb, policyText: string, tasks: readonly string[], index: number): void {
  const policy = parsePolicy(policyText);
  if (policy.kind !== 'critic') return;
  const at = `conditions.${index}.policy`;
  const known = db.prepare('SELECT 1 FROM critics WHERE name = $c UNION ALL SELECT 1 FROM critiques WHERE critic = $c LIMIT 1').get({ c: policy.critic });
  if (!known) {
    const names = (db.prepare('SELECT name FROM critics ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    throw new AppError('invalid-input', `${at}: no critic "${policy.critic}" in this database${names.length ? ` (critics: ${names.join(', ')})` : ''}. Generate its critiques first: assay critique --name ${policy.critic} …`);
  }
  const has = db.prepare(
    'SELECT 1 FROM critic_samples WHERE task_id = $task AND critic = $c UNION ALL SELECT 1 FROM critiques WHERE task_id = $task AND critic = $c AND sample IS NOT NULL LIMIT 1',
  );
  const missing = tasks.filter((task) => !has.get({ task, c: policy.critic }));
  if (missing.length > 0) {
    throw new AppError(
      'invalid-input',
      `${at}: critic "${policy.critic}" has no sample stored for ${missing.length} of the study's ${tasks.length} task(s) (first: ${missing.slice(0, 5).join(', ')}): those items would show no critique. Run assay critique --name ${policy.critic} on them first, or leave them out with --tasks.`,
    );
  }
}

interface AssignmentRow {
  evaluator_id: string;
  task_id: string;
  condition: string;
  label: string;
  position: number;
  status: StudyAssignment['status'] | null;
}

/** A study with its assignment and each item's review status. */
export function getStudy(db: AnyDb, name: string): StudyDetail {
  const study = requireStudy(db, name);
  const evaluators = db
    .prepare(
      `SELECT e.id, e.display_name FROM study_evaluators se JOIN evaluators e ON e.id = se.evaluator_id
        WHERE se.study_id = $id ORDER BY se.position`,
    )
    .all({ id: study.id }) as { id: string; display_name: string }[];
  const tasks = db
    .prepare('SELECT t.id, t.title FROM study_tasks st JOIN tasks t ON t.id = st.task_id WHERE st.study_id = $id ORDER BY st.position')
    .all({ id: study.id }) as { id: string; title: string | null }[];
  const rows = db
    .prepare(
      `SELECT q.evaluator_id, q.task_id, q.condition, q.label, q.position, r.status
         FROM queue_items q
         JOIN study_evaluators se ON se.study_id = $id AND se.evaluator_id = q.evaluator_id
         LEFT JOIN reviews r ON r.queue_item_id = q.id
        WHERE q.study = $name
        ORDER BY se.position, q.position`,
    )
    .all({ id: study.id, name: study.name }) as AssignmentRow[];
  return {
    id: study.id,
    name: study.name,
    seed: study.seed,
    overlap: study.overlap,
    timeLimitSeconds: study.time_limit_seconds,
    settings: parseStoredSettings(study.settings_json, `study "${study.name}"`),
    createdAt: study.created_at,
    state: study.state,
    closedAt: study.closed_at,
    reviewHere: study.review_here === 1,
    researcher: study.researcher,
    archivedAt: study.archived_at,
    deletable: (() => {
      const reason = studyDeletionRefusal(db, study);
      return { ok: reason === null, reason };
    })(),
    conditions: studyConditions(db, study.id),
    check: storedCheck(db, study.id),
    evaluators: evaluators.map((e) => ({ id: e.id, displayName: e.display_name })),
    tasks,
    imports: (
      db
        .prepare(
          'SELECT source, kind, pack_id, added, unchanged, revised, conflicts, imported_at, authenticated, format_version FROM result_imports WHERE study_id = $id ORDER BY imported_at, id',
        )
        .all({ id: study.id }) as {
        source: string;
        kind: 'results' | 'records';
        pack_id: string | null;
        added: number;
        unchanged: number;
        revised: number;
        conflicts: number;
        imported_at: number;
        authenticated: number;
        format_version: number | null;
      }[]
    ).map((r) => ({
      source: r.source,
      kind: r.kind,
      pack: r.pack_id,
      added: r.added,
      unchanged: r.unchanged,
      revised: r.revised,
      conflicts: r.conflicts,
      importedAt: r.imported_at,
      authenticated: r.authenticated === 1,
      formatVersion: r.format_version,
    })),
    assignments: rows.map((r) => ({
      evaluator: r.evaluator_id,
      task: r.task_id,
      condition: r.condition,
      label: r.label,
      position: r.position,
      status: r.status ?? 'new',
    })),
  };
}

/** Every study, oldest first, with its progress (finished = submitted or skipped); archived ones only with `archived`. */
export function listStudies(db: AnyDb, options: { readonly archived?: boolean } = {}): StudySummary[] {
  const studies = db.prepare(`SELECT * FROM studies ${options.archived ? '' : 'WHERE archived_at IS NULL'} ORDER BY created_at, name`).all() as StudyRow[];
  const counts = db.prepare(
    `SELECT (SELECT count(*) FROM study_evaluators WHERE study_id = $id) AS evaluators,
            (SELECT count(*) FROM study_tasks WHERE study_id = $id) AS tasks,
            (SELECT count(*) FROM queue_items WHERE study = $name) AS total,
            (SELECT count(*) FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id
              WHERE q.study = $name AND r.status IN ('submitted', 'skipped')) AS done`,
  );
  return studies.map((s) => {
    const c = counts.get({ id: s.id, name: s.name }) as { evaluators: number; tasks: number; total: number; done: number };
    return {
      id: s.id,
      name: s.name,
      seed: s.seed,
      overlap: s.overlap,
      conditions: studyConditions(db, s.id),
      evaluatorCount: c.evaluators,
      taskCount: c.tasks,
      done: c.done,
      total: c.total,
      createdAt: s.created_at,
      state: s.state,
      reviewHere: s.review_here === 1,
      archived: s.archived_at !== null,
    };
  });
}

/**
 * Closes a study for good: from now on it takes no new reviews (open ones stay as they are, out of
 * the figures), no events, no results imports and no pack exports, and its tasks may appear in
 * practice queues again. Closing twice is a no-op; a closed study is never reopened (a trigger
 * enforces it), so figures computed after closing stay the published figures.
 */
export function closeStudy(db: WritableDb, name: string, now = Date.now()): StudyDetail {
  return db.transaction(() => {
    const study = requireStudy(db, name);
    if (study.state !== 'closed') db.prepare(`UPDATE studies SET state = 'closed', closed_at = $now WHERE id = $id`).run({ id: study.id, now });
    return getStudy(db, name);
  }).immediate();
}
