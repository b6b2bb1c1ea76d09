import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { parseConditionList, parseEvaluatorList } from '../../../../shared/study/spec.js';
import { findLoneSurrogate, loneSurrogateMessage } from '../../../../shared/unicode.js';
import { readUtf8File } from '../../files.js';
import { openDatabase } from '../../db/open.js';
import type { WritableDb } from '../../db/types.js';
import { resolveDbPath } from '../../paths.js';
import { checkText } from '../../../../shared/study/check.js';
import { checkExistingStudy, planFromDb } from '../../studies/check.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../studies/repository.js';
import { InputError, UsageError, dbOption, type CliIo, type Command } from '../command.js';

function withDb<T>(values: Record<string, unknown>, io: CliIo, fn: (db: WritableDb) => T): T {
  const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${flag}: expected a whole number, got "${text}"`);
  return Number(text);
}

/** Task ids from a file: one id per line, or task-package JSONL (each line's `id`). */
export function readTaskIds(file: string): string[] {
  const text = readUtf8File(file);
  const ids: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('{')) {
      let obj: unknown;
      try {
        obj = parseUntrustedJson(line);
      } catch (err) {
        throw new InputError(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
      }
      const lone = findLoneSurrogate(obj);
      if (lone) throw new InputError(`${file}:${i + 1}: ${lone.path.join('.') || '(json)'}: ${loneSurrogateMessage(lone)}`);
      const id = (obj as { id?: unknown }).id;
      if (typeof id !== 'string' || id === '') throw new InputError(`${file}:${i + 1}: id: expected a task id`);
      ids.push(id);
    } else ids.push(line);
  });
  if (ids.length === 0) throw new InputError(`${file}: no task ids`);
  return ids;
}

/** `assay study create`. */
export const studyCreateCommand: Command = {
  words: ['study', 'create'],
  summary: 'Create a study and its balanced assignment (LIST: "a:none,b:top-3"; "ann=Ann Lee,bob")',
  usage: '--name N --conditions LIST --evaluators LIST --overlap N --seed N [--tasks FILE] [--time-limit S] [--review-here] [--researcher TEXT] [--force] [--json]',
  options: {
    ...dbOption,
    name: { type: 'string' },
    conditions: { type: 'string' },
    evaluators: { type: 'string' },
    overlap: { type: 'string' },
    seed: { type: 'string' },
    tasks: { type: 'string' },
    'time-limit': { type: 'string' },
    'review-here': { type: 'boolean' },
    researcher: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run({ values }, io) {
    let conditions, evaluators;
    try {
      conditions = parseConditionList(required(values, 'conditions'));
      evaluators = parseEvaluatorList(required(values, 'evaluators'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new InputError((err as Error).message);
    }
    const spec = {
      name: required(values, 'name'),
      conditions,
      evaluators,
      overlap: wholeNumber(required(values, 'overlap'), 'overlap'),
      seed: wholeNumber(required(values, 'seed'), 'seed'),
      ...(typeof values['tasks'] === 'string' ? { tasks: readTaskIds(values['tasks']) } : {}),
      ...(typeof values['time-limit'] === 'string' ? { timeLimitSeconds: wholeNumber(values['time-limit'], 'time-limit') } : {}),
      ...(values['review-here'] === true ? { reviewHere: true } : {}),
      ...(typeof values['researcher'] === 'string' ? { researcher: values['researcher'] } : {}),
    };
    const study = withDb(values, io, (db) => createStudy(db, spec, Date.now(), { force: values['force'] === true }));
    if (values['json']) io.stdout(`${JSON.stringify(study)}\n`);
    else {
      if (study.check && study.check.check.hazards.length > 0) io.stdout(`Study check (stored with the study; assay study check ${study.name} repeats it):\n${checkText(study.check.check)}\n`);
      io.stdout(
        `Created study "${study.name}": ${study.tasks.length} task(s) × overlap ${study.overlap} = ${study.assignments.length} assignment(s) over ${study.evaluators.length} evaluator(s); conditions ${study.conditions.map((c) => `${c.name} (${c.policy})`).join(', ')}; seed ${study.seed}.\n` +
          (study.reviewHere
            ? `Reviewed on this machine: each evaluator chooses their profile in the Review place (no packs).\n`
            : `Reviewed from packs. Next: assay pack export --study ${study.name} --evaluator ID --out FILE (or --all --out DIR)\n`),
      );
    }
    return 0;
  },
};

/** `assay study list`. */
export const studyListCommand: Command = {
  words: ['study', 'list'],
  summary: 'List the studies with their progress',
  usage: '[--json] [--db PATH]',
  options: { ...dbOption, json: { type: 'boolean' } },
  run({ values }, io) {
    const studies = withDb(values, io, (db) => listStudies(db));
    if (values['json']) io.stdout(`${JSON.stringify(studies)}\n`);
    else if (studies.length === 0) io.stdout('No studies. Create one with: assay study create --help\n');
    else {
      for (const s of studies) {
        io.stdout(
          `${s.name}\t${s.state}\t${s.done}/${s.total} done\t${s.taskCount} tasks, ${s.evaluatorCount} evaluators, overlap ${s.overlap}, seed ${s.seed}\t${s.conditions.map((c) => `${c.name}:${c.policy}`).join(',')}\n`,
        );
      }
    }
    return 0;
  },
};

/** `assay study show`. */
export const studyShowCommand: Command = {
  words: ['study', 'show'],
  summary: 'Show a study: conditions, evaluators, assignment and progress',
  usage: 'NAME [--json] [--db PATH]',
  options: { ...dbOption, json: { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const study = withDb(values, io, (db) => getStudy(db, positionals[0]!));
    if (values['json']) {
      io.stdout(`${JSON.stringify(study)}\n`);
      return 0;
    }
    const lines = [
      `Study ${study.name}  ${study.state}${study.closedAt !== null ? ` since ${new Date(study.closedAt).toISOString()}` : ''}  seed ${study.seed}  overlap ${study.overlap}${study.timeLimitSeconds ? `  time limit ${study.timeLimitSeconds} s` : ''}`,
      `Conditions: ${study.conditions.map((c) => `${c.name} (${c.policy})`).join(', ')}`,
      `Reviewed: ${study.reviewHere ? 'on this machine (no packs)' : 'from packs'}${study.researcher ? `; results go to ${study.researcher}` : ''}`,
      `Tasks: ${study.tasks.length}`,
      study.check
        ? `Check at creation: ${study.check.check.hazards.length} hazard(s)${study.check.forced ? ', created with --force despite an error' : ''} (assay study check ${study.name})`
        : 'Check at creation: none stored (created before study checks existed)',
      'Evaluator\tdone/total\t' + study.conditions.map((c) => c.name).join('\t'),
      ...study.evaluators.map((e) => {
        const mine = study.assignments.filter((a) => a.evaluator === e.id);
        const done = mine.filter((a) => a.status === 'submitted' || a.status === 'skipped').length;
        return `${e.id}\t${done}/${mine.length}\t${study.conditions.map((c) => mine.filter((a) => a.condition === c.name).length).join('\t')}`;
      }),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

/** `assay study close`. */
export const studyCloseCommand: Command = {
  words: ['study', 'close'],
  summary: 'Close a study for good: no new reviews, results imports or pack exports; its tasks may appear in practice queues again',
  usage: 'NAME [--json] [--db PATH]',
  options: { ...dbOption, json: { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const study = withDb(values, io, (db) => closeStudy(db, positionals[0]!));
    if (values['json']) io.stdout(`${JSON.stringify({ name: study.name, state: study.state, closedAt: study.closedAt })}\n`);
    else {
      const done = study.assignments.filter((a) => a.status === 'submitted' || a.status === 'skipped').length;
      const open = study.assignments.filter((a) => a.status === 'open').length;
      io.stdout(
        `Study "${study.name}" is closed (${new Date(study.closedAt!).toISOString()}): ${done}/${study.assignments.length} reviews finished${open ? `; ${open} unfinished review(s) stay out of the figures` : ''}. It takes no new reviews, results or packs.\n`,
      );
    }
    return 0;
  },
};

/** `assay study check`: the hazards of an existing study's design over its tasks. */
export const studyCheckCommand: Command = {
  words: ['study', 'check'],
  summary: 'Check a study for hazards: hand-only flaws, figures it cannot produce, policies that select nothing or arbitrarily, too small a design',
  usage: 'NAME [--json] [--db PATH]',
  options: { ...dbOption, json: { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const result = withDb(values, io, (db) => checkExistingStudy(db, positionals[0]!));
    if (values['json']) io.stdout(`${JSON.stringify({ study: positionals[0], ...result.check, stored: result.stored })}\n`);
    else {
      io.stdout(checkText(result.check));
      if (result.stored?.forced) io.stdout('This study was created with --force despite an error in its check.\n');
    }
    return 0;
  },
};

function decimal(text: unknown, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag}: expected a number from ${min} to ${max}, not "${String(text)}"`);
  return n;
}

/** `assay study plan`: how many evaluators and tasks detect a given uplift, by simulation. */
export const studyPlanCommand: Command = {
  words: ['study', 'plan'],
  summary: 'Simulate designs: how many evaluators and tasks give the power to detect a relative uplift in caught flaws per review',
  usage: '--conditions LIST --uplift U [--tasks FILE] [--overlap N] [--evaluator-sd S] [--power P] [--json] [--db PATH]',
  options: {
    ...dbOption,
    conditions: { type: 'string' },
    uplift: { type: 'string' },
    tasks: { type: 'string' },
    overlap: { type: 'string' },
    'evaluator-sd': { type: 'string' },
    power: { type: 'string' },
    json: { type: 'boolean' },
  },
  run({ values }, io) {
    let conditions;
    try {
      conditions = parseConditionList(required(values, 'conditions'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new InputError((err as Error).message);
    }
    const uplift = decimal(required(values, 'uplift'), 'uplift', 0.01, 10)!;
    const evaluatorSd = decimal(values['evaluator-sd'], 'evaluator-sd', 0, 5);
    const power = decimal(values['power'], 'power', 0.05, 0.99);
    const overlap = typeof values['overlap'] === 'string' ? wholeNumber(values['overlap'], 'overlap') : undefined;
    const tasks = typeof values['tasks'] === 'string' ? readTaskIds(values['tasks']) : undefined;
    const plan = withDb(values, io, (db) => planFromDb(db, { conditions, uplift, overlap, tasks, evaluatorSd, power }));
    if (values['json']) {
      io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
      return 0;
    }
    const a = plan.assumptions;
    const lines = [
      `Plan: detect a ${Math.round(a.uplift * 100)}% uplift in caught flaws per review with ${Math.round(a.power * 100)}% power (95% population interval above 0).`,
      `Assumed: ${Math.round(a.baselineCatchRate * 100)}% of flaws caught unassisted, evaluator skill SD ${a.evaluatorSd} and task difficulty SD ${a.taskSd} (logit scale); ${a.replicates} simulated studies per design.`,
      '',
      'tasks\tevaluators\toverlap\tpower\tmedian 95% CI width',
      ...plan.designs.map((d) => `${d.tasks}\t${d.evaluators}\t${d.overlap}\t${Math.round(d.power * 100)}%\t${d.median_ci_width === null ? '—' : `${Math.round(d.median_ci_width * 100)} points`}`),
      '',
      plan.recommended
        ? `Recommended: ${plan.recommended.evaluators} evaluators over ${plan.recommended.tasks} tasks (overlap ${plan.recommended.overlap}): ${Math.round(plan.recommended.power * 100)}% power, intervals typically ${Math.round((plan.recommended.median_ci_width ?? 0) * 100)} points wide.`
        : `No design reached the power wanted. ${plan.note ?? ''}`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
