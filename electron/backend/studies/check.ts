import { PlanInputError, planStudy, type StudyPlan } from '../../../shared/metrics/plan.js';
import { AppError } from '../../../shared/result.js';
import { checkStudy, designPower, StudyCheckSchema, type CheckDesign, type CheckTask, type StudyCheck } from '../../../shared/study/check.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { requireStudy, studyConditions } from './repository.js';
import { visibleTask } from '../tasks/staging.js';
import { policyCritique, type CritiqueRow } from '../reviews/visibility.js';

type CheckCritiqueRow = Pick<CritiqueRow, 'id' | 'score' | 'valid' | 'critic' | 'sample' | 'hallucinated' | 'resolved_json'> & { readonly task_id: string };
interface FlawRow {
  task_id: string;
  id: string;
  anchor_json: string | null;
  critiques_json: string | null;
}

/** The tasks a check looks at: `ids` in order, or every task in import order. Unknown ids are refused. */
export function loadCheckTasks(db: AnyDb, ids?: readonly string[]): CheckTask[] {
  const order = ids ? [...ids] : (db.prepare(`SELECT t.id FROM tasks t WHERE ${visibleTask('t')} ORDER BY t.seq`).all() as { id: string }[]).map((r) => r.id);
  if (ids) {
    const seen = new Set<string>();
    const twice = ids.find((id) => seen.size === seen.add(id).size);
    if (twice !== undefined) throw new AppError('invalid-input', `tasks: "${twice}" is listed twice`);
    const exists = db.prepare(`SELECT 1 FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`);
    const missing = ids.filter((id) => !exists.get({ id }));
    if (missing.length > 0) throw new AppError('invalid-input', `tasks: ${missing.length} task id(s) not in this database: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  }
  const critiques = new Map<string, CheckTask['critiques'][number][]>();
  const critiqueSql = 'SELECT task_id, id, score, valid, critic, sample, hallucinated, resolved_json FROM critiques ORDER BY task_id, position';
  for (const c of db.prepare(critiqueSql).all() as CheckCritiqueRow[]) {
    const list = critiques.get(c.task_id) ?? [];
    list.push(policyCritique(c)); // what the pins select from, so that the check says what items will show
    critiques.set(c.task_id, list);
  }
  // critic policies choose among a critic's samples, and tell anchors apart by the task's kind
  const samples = new Map<string, Record<string, number[]>>();
  for (const s of db.prepare('SELECT task_id, critic, sample FROM critic_samples ORDER BY task_id, critic, sample').all() as { task_id: string; critic: string; sample: number }[]) {
    const byCritic = samples.get(s.task_id) ?? {};
    (byCritic[s.critic] ??= []).push(s.sample);
    samples.set(s.task_id, byCritic);
  }
  const kinds = new Map((db.prepare(`SELECT t.id, t.kind FROM tasks t WHERE ${visibleTask('t')}`).all() as { id: string; kind: 'summary' | 'code' }[]).map((t) => [t.id, t.kind]));
  const flaws = new Map<string, CheckTask['flaws'][number][]>();
  for (const f of db.prepare('SELECT task_id, id, anchor_json, critiques_json FROM flaws ORDER BY task_id, position').all() as FlawRow[]) {
    const list = flaws.get(f.task_id) ?? [];
    list.push({ id: f.id, anchored: f.anchor_json !== null && f.anchor_json !== 'null', critiques: f.critiques_json ? (JSON.parse(f.critiques_json) as string[]) : [] });
    flaws.set(f.task_id, list);
  }
  return order.map((id) => ({ id, critiques: critiques.get(id) ?? [], flaws: flaws.get(id) ?? [], kind: kinds.get(id) ?? 'summary', samples: samples.get(id) ?? {} }));
}

/** Checks a design over tasks in this database, including its power to detect a 50% uplift. */
export function checkDesign(db: AnyDb, design: CheckDesign, taskIds?: readonly string[]): StudyCheck {
  const tasks = loadCheckTasks(db, taskIds);
  const check = checkStudy(design, tasks);
  const { estimate, hazard } = designPower(design, tasks.map((t) => t.flaws.length));
  return { ...check, hazards: hazard ? [...check.hazards, hazard] : check.hazards, estimate };
}

/** The check of an existing study, recomputed on its tasks, evaluators and overlap. */
export function checkExistingStudy(db: AnyDb, name: string): { check: StudyCheck; stored: { check: StudyCheck; forced: boolean; createdAt: number } | null } {
  const study = requireStudy(db, name);
  const taskIds = (db.prepare('SELECT task_id FROM study_tasks WHERE study_id = $id ORDER BY position').all({ id: study.id }) as { task_id: string }[]).map((r) => r.task_id);
  const evaluators = (db.prepare('SELECT count(*) AS n FROM study_evaluators WHERE study_id = $id').get({ id: study.id }) as { n: number }).n;
  const check = checkDesign(db, { conditions: studyConditions(db, study.id), evaluators, overlap: study.overlap }, taskIds);
  return { check, stored: storedCheck(db, study.id) };
}

/** The check stored when the study was created, or null (studies created before checks existed). */
export function storedCheck(db: AnyDb, studyId: string): { check: StudyCheck; forced: boolean; createdAt: number } | null {
  const row = db.prepare('SELECT check_json, forced, created_at FROM study_checks WHERE study_id = $id').get({ id: studyId }) as
    | { check_json: string; forced: number; created_at: number }
    | undefined;
  if (!row) return null;
  return { check: StudyCheckSchema.parse(JSON.parse(row.check_json)), forced: row.forced === 1, createdAt: row.created_at };
}

/** Stores a study's check (inside the caller's write transaction). */
export function storeCheck(db: WritableDb, studyId: string, check: StudyCheck, forced: boolean, now: number): void {
  db.prepare('INSERT INTO study_checks (study_id, check_json, forced, created_at) VALUES ($id, $json, $forced, $now)').run({ id: studyId, json: JSON.stringify(check), forced: forced ? 1 : 0, now });
}

/** `assay study plan` over tasks of this database (all, or `ids`): flaw counts feed the simulation. */
export function planFromDb(
  db: AnyDb,
  input: { conditions: readonly { name: string; policy: string }[]; uplift: number; overlap?: number | undefined; tasks?: readonly string[] | undefined; evaluatorSd?: number | undefined; power?: number | undefined },
): StudyPlan {
  const tasks = loadCheckTasks(db, input.tasks);
  try {
    return planStudy(
      tasks.map((t) => t.flaws.length),
      input.conditions,
      { uplift: input.uplift, ...(input.evaluatorSd !== undefined ? { evaluatorSd: input.evaluatorSd } : {}), ...(input.power !== undefined ? { power: input.power } : {}) },
      input.overlap ?? input.conditions.length,
    );
  } catch (err) {
    if (err instanceof PlanInputError) throw new AppError('invalid-input', err.message);
    throw err;
  }
}
