import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { CategoryNameSchema, describeSettings, type StudySettingsInput } from '../../../../shared/study/settings.js';
import { parseConditionList, parseEvaluatorList } from '../../../../shared/study/spec.js';
import { findLoneSurrogate, loneSurrogateMessage } from '../../../../shared/unicode.js';
import { readUtf8File } from '../../files.js';
import { openDatabase } from '../../db/open.js';
import type { WritableDb } from '../../db/types.js';
import { resolveDbPath } from '../../paths.js';
import type { StudyDetail } from '../../../../shared/contract/studies.js';
import { checkText } from '../../../../shared/study/check.js';
import { checkExistingStudy, planFromDb } from '../../studies/check.js';
import { archiveStudy, deleteStudy } from '../../studies/housekeeping.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../studies/repository.js';
import { InputError, UsageError, dbOption, type CliIo, type Command } from '../command.js';
import { jsonOption, output, plural, table } from '../output.js';

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

/**
 * Task ids from the `--tasks FILE` of `assay study create`: UTF-8 text, one task id per line, in the
 * order the study takes them; or a task package (JSON Lines: each line's `id`); blank lines and lines
 * starting with `#` are skipped. The format is in docs/studies.md ("Choosing the tasks").
 */
export function readTaskIds(file: string): string[] {
  const text = readUtf8File(file);
  const ids: string[] = [];
  const lineOf = new Map<string, number>();
  const add = (id: string, line: number): void => {
    // a task listed twice would be planned or checked as two tasks; a study refuses it anyway
    const first = lineOf.get(id);
    if (first !== undefined) throw new InputError(`${file}:${line}: task "${id}" is listed twice (first on line ${first})`);
    lineOf.set(id, line);
    ids.push(id);
  };
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
      add(id, i + 1);
    } else add(line, i + 1);
  });
  if (ids.length === 0) throw new InputError(`${file}: no task ids`);
  return ids;
}

function oneOf<T extends string>(values: Record<string, unknown>, flag: string, allowed: readonly T[]): T | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag}: expected ${allowed.join('|')}, got "${String(v)}"`);
  return v as T;
}

/** The study settings given by flags (docs/studies.md, "Study settings"); flags not given keep the defaults. */
export function settingsFromFlags(values: Record<string, unknown>): StudySettingsInput {
  const rating = oneOf(values, 'rating', ['required', 'optional', 'off'] as const);
  const rejectReason = oneOf(values, 'reject-reason', ['required', 'optional'] as const);
  const onTimeLimit = oneOf(values, 'on-time-limit', ['submit', 'skip'] as const);
  const limit = values['time-limit'];
  if (onTimeLimit !== undefined && typeof limit !== 'string') throw new UsageError('--on-time-limit needs --time-limit SECONDS');
  let categories: string[] | undefined;
  if (typeof values['categories'] === 'string') {
    categories = values['categories'].split(',').map((raw, i) => {
      const r = CategoryNameSchema.safeParse(raw);
      if (!r.success) throw new UsageError(`--categories: entry ${i + 1} "${raw.trim()}": ${r.error.issues[0]!.message}`);
      return r.data;
    });
    if (new Set(categories).size !== categories.length) throw new UsageError('--categories: a category is listed twice');
  }
  const question = values['question'];
  if (typeof question === 'string' && question.trim() === '') throw new UsageError('--question: give the question, e.g. --question "Does the output contain a serious flaw?"');
  let instructions: string | undefined;
  if (typeof values['instructions'] === 'string') {
    instructions = readUtf8File(values['instructions']);
    if (instructions.trim() === '') throw new InputError(`${values['instructions']}: the instructions file is empty`);
  }
  return {
    ...(rating !== undefined ? { rating } : {}),
    ...(rejectReason !== undefined ? { rejectReason } : {}),
    ...(values['decide-all'] === true ? { decideAll: true } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
    ...(categories !== undefined ? { categories } : {}),
    ...(typeof limit === 'string' ? { timeLimitSeconds: wholeNumber(limit, 'time-limit') } : {}),
    ...(onTimeLimit !== undefined ? { onTimeLimit } : {}),
    ...(typeof question === 'string' ? { question: question.trim() } : {}),
  };
}

/** `assay study create`. */
export const studyCreateCommand: Command = {
  words: ['study', 'create'],
  summary: 'Create a study and its balanced assignment (LIST: "a:none,b:top-3"; "ann=Ann Lee,bob"; --tasks: one task id per line), with its settings (docs/studies.md)',
  usage:
    '--name N --conditions LIST --evaluators LIST --overlap N --seed N [--tasks FILE] [--rating required|optional|off] [--reject-reason required|optional] [--decide-all] [--instructions FILE] [--categories "a,b,c"] [--time-limit SECONDS [--on-time-limit submit|skip]] [--question "QUESTION"] [--review-here] [--researcher TEXT] [--force] [--json]',
  options: {
    ...dbOption,
    ...jsonOption,
    name: { type: 'string' },
    conditions: { type: 'string' },
    evaluators: { type: 'string' },
    overlap: { type: 'string' },
    seed: { type: 'string' },
    tasks: { type: 'string' },
    rating: { type: 'string' },
    'reject-reason': { type: 'string' },
    'decide-all': { type: 'boolean' },
    instructions: { type: 'string' },
    categories: { type: 'string' },
    'time-limit': { type: 'string' },
    'on-time-limit': { type: 'string' },
    question: { type: 'string' },
    'review-here': { type: 'boolean' },
    researcher: { type: 'string' },
    force: { type: 'boolean' },
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
      ...(values['review-here'] === true ? { reviewHere: true } : {}),
      ...(typeof values['researcher'] === 'string' ? { researcher: values['researcher'] } : {}),
    };
    const settings = settingsFromFlags(values);
    if (Object.keys(settings).length > 0) Object.assign(spec, { settings });
    const study = withDb(values, io, (db) => createStudy(db, spec, Date.now(), { force: values['force'] === true }));
    output(values, io).result(
      study,
      () =>
        (study.check && study.check.check.hazards.length > 0 ? `Study check (stored with the study; assay study check ${study.name} repeats it):\n${checkText(study.check.check)}\n` : '') +
        `Created study "${study.name}": ${plural(study.tasks.length, 'task')} × overlap ${study.overlap} = ${plural(study.assignments.length, 'assignment')} over ${plural(study.evaluators.length, 'evaluator')}; conditions ${study.conditions.map((c) => `${c.name} (${c.policy})`).join(', ')}; seed ${study.seed}.\n` +
        describeSettings(study.settings)
          .map((l) => `Setting: ${l}\n`)
          .join('') +
        `See who reviews what: assay study show ${study.name}\n` +
        (study.reviewHere
          ? 'Reviewed on this machine: each evaluator chooses their profile in the Review place (no packs).'
          : `Reviewed from packs. Next: assay pack export --study ${study.name} --all --out DIR`),
    );
    return 0;
  },
};

/** `assay study list`. */
export const studyListCommand: Command = {
  words: ['study', 'list'],
  summary: 'List the studies with their progress (--all: archived ones too)',
  usage: '[--all] [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption, all: { type: 'boolean' } },
  run({ values }, io) {
    const studies = withDb(values, io, (db) => listStudies(db, { archived: values['all'] === true }));
    output(values, io).result(studies, () =>
      studies.length === 0
        ? `No studies${values['all'] ? '' : ' (archived ones are listed with --all)'}. Create one with: assay study create --help`
        : table(
            ['Study', 'State', 'Done', 'Tasks', 'Evaluators', 'Overlap', 'Seed', 'Conditions'],
            studies.map((s) => [s.name, s.archived ? `${s.state}, archived` : s.state, `${s.done}/${s.total}`, s.taskCount, s.evaluatorCount, s.overlap, s.seed, s.conditions.map((c) => `${c.name}:${c.policy}`).join(',')]),
          ),
    );
    return 0;
  },
};

const statusWords: Readonly<Record<StudyDetail['assignments'][number]['status'], string>> = { new: 'not started', open: 'in progress', submitted: 'submitted', skipped: 'skipped' };

/** A study for people: settings, progress per evaluator and condition, and the assignment (who reviews what, in queue order). */
export function studyText(study: StudyDetail, only?: string): string {
  const finished = (a: StudyDetail['assignments'][number]): boolean => a.status === 'submitted' || a.status === 'skipped';
  const done = study.assignments.filter(finished).length;
  const state = `${study.state}${study.closedAt !== null ? ` since ${new Date(study.closedAt).toISOString()}` : ''}${study.archivedAt !== null ? ', archived' : ''}`;
  const lines = [
    `Study ${study.name} — ${state} · seed ${study.seed} · overlap ${study.overlap} · created ${new Date(study.createdAt).toISOString()}`,
    `Conditions: ${study.conditions.map((c) => `${c.name} (${c.policy})`).join(', ')}`,
    `Settings: ${describeSettings(study.settings).join('; ') || 'defaults (rating required, reason on reject required, no time limit, no question)'}`,
    `Reviewed: ${study.reviewHere ? 'on this machine (no packs)' : 'from packs'}${study.researcher ? `; results go to ${study.researcher}` : ''}`,
    `${plural(study.tasks.length, 'task')}, ${plural(study.evaluators.length, 'evaluator')}; ${done} of ${plural(study.assignments.length, 'review')} finished`,
    study.check
      ? `Check at creation: ${plural(study.check.check.hazards.length, 'hazard')}${study.check.forced ? ', created with --force despite an error' : ''} (assay study check ${study.name})`
      : 'Check at creation: none stored (created before study checks existed)',
    '',
    'Progress (finished / assigned):',
    table(
      ['Evaluator', 'Name', 'All', ...study.conditions.map((c) => c.name)],
      study.evaluators.map((e) => {
        const mine = study.assignments.filter((a) => a.evaluator === e.id);
        const count = (list: typeof mine): string => `${list.filter(finished).length}/${list.length}`;
        return [e.id, e.displayName, count(mine), ...study.conditions.map((c) => count(mine.filter((a) => a.condition === c.name)))];
      }),
    ),
  ];
  const titles = new Map(study.tasks.map((t) => [t.id, t.title]));
  for (const e of study.evaluators) {
    if (only !== undefined && e.id !== only) continue;
    const mine = study.assignments.filter((a) => a.evaluator === e.id).sort((a, b) => a.position - b.position);
    lines.push(
      '',
      `Assignment of ${e.id}${e.displayName !== e.id ? ` (${e.displayName})` : ''}: ${plural(mine.length, 'item')} in queue order; "shown as" is the neutral label the evaluator sees.`,
      table(
        ['#', 'Task', 'Title', 'Condition', 'Shown as', 'Status'],
        mine.map((a) => [a.position, a.task, titles.get(a.task) ?? '', a.condition, a.label, statusWords[a.status]]),
      ),
    );
  }
  return lines.join('\n');
}

/** `assay study show`. */
export const studyShowCommand: Command = {
  words: ['study', 'show'],
  summary: 'Show a study: settings, progress, and the assignment (who reviews which task under which condition)',
  usage: 'NAME [--evaluator ID] [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption, evaluator: { type: 'string' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const study = withDb(values, io, (db) => getStudy(db, positionals[0]!));
    const only = values['evaluator'] as string | undefined;
    if (only !== undefined && !study.evaluators.some((e) => e.id === only)) {
      throw new InputError(`--evaluator: "${only}" is not an evaluator of study "${study.name}" (its evaluators: ${study.evaluators.map((e) => e.id).join(', ')})`);
    }
    const value = only === undefined ? study : { ...study, assignments: study.assignments.filter((a) => a.evaluator === only) };
    output(values, io).result(value, () => studyText(study, only));
    return 0;
  },
};

/** `assay study close`. */
export const studyCloseCommand: Command = {
  words: ['study', 'close'],
  summary: 'Close a study for good: no new reviews, results imports or pack exports; its tasks may appear in practice queues again',
  usage: 'NAME [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const study = withDb(values, io, (db) => closeStudy(db, positionals[0]!));
    const done = study.assignments.filter((a) => a.status === 'submitted' || a.status === 'skipped').length;
    const open = study.assignments.filter((a) => a.status === 'open').length;
    output(values, io).result(
      { name: study.name, state: study.state, closedAt: study.closedAt },
      () =>
        `Study "${study.name}" is closed (${new Date(study.closedAt!).toISOString()}): ${done}/${study.assignments.length} reviews finished${open ? `; ${plural(open, 'unfinished review')} stay out of the figures` : ''}. It takes no new reviews, results or packs.`,
    );
    return 0;
  },
};

/** `assay study archive` and `assay study unarchive`. */
function archiveCommand(archived: boolean): Command {
  return {
    words: ['study', archived ? 'archive' : 'unarchive'],
    summary: archived ? 'Archive a closed study: hidden from lists (study list --all shows it), everything kept' : 'Bring an archived study back into the lists',
    usage: 'NAME [--json] [--db PATH]',
    options: { ...dbOption, ...jsonOption },
    allowPositionals: true,
    run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('expected one study NAME');
      const study = withDb(values, io, (db) => archiveStudy(db, positionals[0]!, archived));
      output(values, io).result({ name: study.name, state: study.state, archivedAt: study.archivedAt }, () =>
        archived
          ? `Study "${study.name}" is archived: hidden from the lists, everything kept. Bring it back with: assay study unarchive ${study.name}`
          : `Study "${study.name}" is back in the lists.`,
      );
      return 0;
    },
  };
}

/** `assay study archive`. */
export const studyArchiveCommand = archiveCommand(true);
/** `assay study unarchive`. */
export const studyUnarchiveCommand = archiveCommand(false);

/** `assay study delete`. */
export const studyDeleteCommand: Command = {
  words: ['study', 'delete'],
  summary: 'Delete a study that never showed anything (no pack issued, no review); any other is refused with the reason',
  usage: 'NAME [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one study NAME');
    const r = withDb(values, io, (db) => deleteStudy(db, positionals[0]!));
    output(values, io).result(r, () => `Deleted study "${r.name}" and its ${plural(r.queueItems, 'unopened queue item')}. Its tasks and evaluator profiles stay.`);
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
      // a power is a share of simulated studies: say how precise it is (the widest, at 50%)
      `Each power is a share of ${a.replicates} simulated studies: within about ±${Math.round(196 * Math.sqrt(0.25 / a.replicates))} points (95%).`,
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
