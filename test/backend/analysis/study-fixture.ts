import { seededRandom } from '../../../shared/metrics/prng.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';

const subjects = ['The council', 'The company', 'The hospital', 'The university', 'The museum', 'The airline'];
const verbs = ['raised its budget', 'cut staff', 'opened a new site', 'reported a loss', 'doubled its output', 'delayed the project'];
const severities = ['minor', 'major', 'critical'] as const;
const categories = ['accuracy', 'coverage', 'coherence'] as const;

/** The synthetic study's tasks (see {@link seedAnalysisStudy}). */
export function syntheticTasks(n: number, seed = 11) {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const a = `${pick(subjects)} ${pick(verbs)} in ${2000 + i}.`;
    const wrong = `It says the figure was ${10 + i} percent.`;
    const b = `Critics said the plan was rushed.`;
    const missing = `Nothing is said about the vote.`;
    const output = `${a} ${wrong} ${b} ${missing}`;
    return {
      id: `syn-${String(i + 1).padStart(2, '0')}`,
      kind: 'summary' as const,
      title: `Synthetic summary ${i + 1}`,
      output,
      context: { document: `Source text for task ${i + 1}. The figure was ${5 + i} percent. The plan passed a vote.`, query: 'What happened?' },
      critiques: [
        { id: 'c1', text: `The figure is wrong: the source says ${5 + i} percent.`, valid: true, score: 0.9, anchor: { quote: wrong } },
        { id: 'c2', text: 'The summary omits that the plan passed a vote.', valid: true, score: 0.6 },
        { id: 'c3', text: 'The year is wrong.', valid: false, score: 0.7 },
      ],
      flaws: [
        { id: 'f1', description: 'Wrong figure', anchor: { quote: wrong }, severity: pick(severities), category: 'accuracy', critiques: ['c1'] },
        { id: 'f2', description: 'Claims critics without support', anchor: { quote: b }, severity: pick(severities), category: pick(categories), critiques: [] },
      ],
    };
  });
}

/** The synthetic study's conditions, as `assay study create --conditions` takes them. */
export const syntheticConditions = 'unassisted:none,assisted:all,valid-only:valid-only';
/** The synthetic study's evaluators. */
export const syntheticEvaluators = ['ann', 'bob', 'cyd', 'dee', 'eve', 'fay'] as const;

/**
 * Review records (JSONL) for every assignment, simulated with a seeded PRNG: assisted evaluators
 * accept most valid critiques and some decoys, and everyone sometimes finds the planted flaws.
 */
export function syntheticRecords(study: string, assignments: readonly { evaluator: string; task: string; condition: string }[], seed = 12): string {
  const random = seededRandom(seed);
  const skill = new Map(syntheticEvaluators.map((e, i) => [e as string, 0.2 + 0.1 * i]));
  return assignments
    .map((a, i) => {
      const shown = a.condition === 'unassisted' ? [] : a.condition === 'assisted' ? ['c1', 'c2', 'c3'] : ['c1', 'c2'];
      const decisions = shown.map((c) => {
        const valid = c !== 'c3';
        const accept = random() < (valid ? 0.8 : 0.3);
        return accept ? { critique: c, verdict: 'accept' as const } : { critique: c, verdict: 'reject' as const, reason: valid ? 'unclear' : 'incorrect' };
      });
      const s = skill.get(a.evaluator) ?? 0.4;
      const added: { id: string; description: string; anchor?: { quote: string }; severity?: string }[] = [];
      if (a.condition === 'unassisted' && random() < s + 0.1) added.push({ id: 'own1', description: 'The figure looks wrong', anchor: { quote: 'percent' } });
      if (random() < s * 0.8) added.push({ id: `own${added.length + 1}`, description: 'Unsupported claim about critics', anchor: { quote: 'Critics said' } });
      if (random() < 0.25) added.push({ id: `own${added.length + 1}`, description: 'Style: short sentences', severity: 'minor' });
      const active = Math.round(40 + random() * 80 + (a.condition === 'unassisted' ? 30 : 0) + random() * random() * 200);
      const start = Date.UTC(2026, 0, 5, 9, 0, 0) + i * 240_000;
      return JSON.stringify({
        task: a.task,
        evaluator: a.evaluator,
        study,
        condition: a.condition,
        started_at: new Date(start).toISOString(),
        submitted_at: new Date(start + active * 1000).toISOString(),
        active_seconds: active,
        rating: Math.max(1, Math.min(7, Math.round(4 + (random() - 0.5) * 3 - decisions.filter((d) => d.verdict === 'accept').length * 0.5))),
        skipped: null,
        decisions,
        added,
      });
    })
    .join('\n');
}

/**
 * A synthetic study written for Assay's tests and screenshots: `taskCount` summary tasks, each with
 * a planted flaw described by a valid critique, a second planted flaw no critique mentions, another
 * valid critique and a decoy; three conditions; six evaluators, overlap 6 by default (two reviews per
 * task and condition, so agreement is defined); simulated review records merged as results.
 */
export function seedAnalysisStudy(db: WritableDb, options: { name?: string; taskCount?: number; overlap?: number } = {}): { study: string } {
  const name = options.name ?? 'uplift-demo';
  const tasks = syntheticTasks(options.taskCount ?? 24);
  importTasks(db, tasks);
  createStudy(db, {
    name,
    tasks: tasks.map((t) => t.id),
    conditions: syntheticConditions.split(',').map((c) => ({ name: c.split(':')[0]!, policy: c.split(':')[1]! })),
    evaluators: syntheticEvaluators.map((id) => ({ id })),
    overlap: options.overlap ?? 6,
    seed: 7,
  });
  const content = syntheticRecords(name, getStudy(db, name).assignments);
  const [report] = importResults(db, [{ fileName: `${name}-records.jsonl`, content }]);
  if (report?.status !== 'merged') throw new Error(`seedAnalysisStudy: ${report?.error ?? 'no report'}`);
  return { study: name };
}

/**
 * A study that rests on little, for the screenshots and e2e tests of warnings: the synthetic tasks
 * with their flaws stripped of anchors and critique links (only matchable by hand), two evaluators
 * (too few for intervals for evaluators in general), two conditions, overlap 2.
 */
export function seedWarningStudy(db: WritableDb, name = 'hand-only'): { study: string } {
  const tasks = syntheticTasks(10, 21).map((t) => ({
    ...t,
    id: `hand-${t.id}`,
    flaws: t.flaws.map((f) => ({ id: f.id, description: f.description, severity: f.severity, category: f.category })),
  }));
  importTasks(db, tasks);
  createStudy(db, {
    name,
    tasks: tasks.map((t) => t.id),
    conditions: [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ],
    evaluators: [{ id: 'ann' }, { id: 'bob' }],
    overlap: 2,
    seed: 5,
  });
  const content = syntheticRecords(name, getStudy(db, name).assignments.map((a) => ({ ...a, condition: a.condition === 'assisted' ? 'assisted' : 'unassisted' })), 3)
    .split('\n')
    .map((line) => {
      // the assisted records of the synthetic fixture decide c1–c3, which these tasks all show
      const r = JSON.parse(line) as { added: { anchor?: unknown }[] };
      for (const a of r.added) delete a.anchor;
      return JSON.stringify(r);
    })
    .join('\n');
  const [report] = importResults(db, [{ fileName: `${name}-records.jsonl`, content }]);
  if (report?.status !== 'merged') throw new Error(`seedWarningStudy: ${report?.error ?? 'no report'}`);
  return { study: name };
}

/** The yes/no question of the calibration fixtures. */
export const CALIBRATION_QUESTION = 'Does the output contain a serious flaw?';

/**
 * The synthetic tasks with every third one clean: no ground-truth flaw, and its critiques marked
 * `valid: false` (decoys), so the yes/no question has outputs of both kinds to tell apart.
 */
export function calibrationTasks(n: number, seed = 31, prefix = 'cal') {
  return syntheticTasks(n, seed).map((t, i) => ({
    ...t,
    id: `${prefix}-${t.id}`,
    ...(i % 3 === 2 ? { flaws: [], critiques: t.critiques.map((c) => ({ ...c, valid: false })) } : {}),
  }));
}

/**
 * {@link syntheticRecords} with an answer to the yes/no question and a confidence (rounded to 5, as
 * people give it): unassisted evaluators are roughly calibrated (right with probability equal to
 * their confidence); assisted ones are more often right but more confident still (over-confident
 * by about 10 points), the pattern sandwiching experiments look for.
 */
export function calibrationRecords(study: string, assignments: readonly { evaluator: string; task: string; condition: string }[], flawed: ReadonlySet<string>, seed = 32): string {
  const random = seededRandom(seed);
  return syntheticRecords(study, assignments, seed + 1)
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as { task: string; condition: string; decisions: unknown[] };
      // a clean task's critiques are all decoys: valid-only shows none of them
      if (r.condition === 'valid-only' && !flawed.has(r.task)) r.decisions = [];
      const assisted = r.condition !== 'unassisted';
      const confidence = Math.min(100, 5 * Math.round((assisted ? 72 + random() * 28 : 52 + random() * 40) / 5));
      const right = random() < confidence / 100 - (assisted ? 0.1 : 0);
      const truth = flawed.has(r.task);
      return JSON.stringify({ ...r, answer: right ? truth : !truth, confidence });
    })
    .join('\n');
}

/**
 * A study that asks the yes/no question, for the calibration tests and screenshots: 36 tasks (a third
 * clean), the three synthetic conditions, six evaluators, overlap 6, records with answers merged.
 */
export function seedCalibrationStudy(db: WritableDb, options: { name?: string; taskCount?: number } = {}): { study: string } {
  const name = options.name ?? 'calibration-demo';
  const tasks = calibrationTasks(options.taskCount ?? 36);
  importTasks(db, tasks);
  createStudy(db, {
    name,
    tasks: tasks.map((t) => t.id),
    conditions: syntheticConditions.split(',').map((c) => ({ name: c.split(':')[0]!, policy: c.split(':')[1]! })),
    evaluators: syntheticEvaluators.map((id) => ({ id })),
    overlap: 6,
    seed: 9,
    settings: { question: CALIBRATION_QUESTION },
  });
  const flawed = new Set(tasks.filter((t) => t.flaws.length > 0).map((t) => t.id));
  const content = calibrationRecords(name, getStudy(db, name).assignments, flawed);
  const [report] = importResults(db, [{ fileName: `${name}-records.jsonl`, content }]);
  if (report?.status !== 'merged') throw new Error(`seedCalibrationStudy: ${report?.error ?? 'no report'}`);
  return { study: name };
}
