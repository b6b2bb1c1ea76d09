import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { parseConditionList, parseEvaluatorList } from '../../../../shared/study/spec.js';
import { findLoneSurrogate, loneSurrogateMessage } from '../../../../shared/unicode.js';
import { readUtf8File } from '../../files.js';
import { openDatabase } from '../../db/open.js';
import type { WritableDb } from '../../db/types.js';
import { resolveDbPath } from '../../paths.js';
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
  usage: '--name N --conditions LIST --evaluators LIST --overlap N --seed N [--tasks FILE] [--time-limit S] [--review-here] [--researcher TEXT] [--json]',
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
    const study = withDb(values, io, (db) => createStudy(db, spec));
    if (values['json']) io.stdout(`${JSON.stringify(study)}\n`);
    else {
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
