import path from 'node:path';
import { parseSplit, SplitError } from '../../../../shared/interop/split.js';
import { openDatabase } from '../../db/open.js';
import { labelStudioTasks } from '../../exports/labelstudio.js';
import { prodigyExamples } from '../../exports/prodigy.js';
import { SARIF_INCLUDES, sarifLog, type SarifInclude } from '../../exports/sarif.js';
import { loadStudyExport } from '../../exports/study-export.js';
import { trainingFormats, writeTrainingExport, type TrainingExportReport, type TrainingFormat } from '../../exports/training-files.js';
import { trainingKinds, type TrainingKind } from '../../exports/training.js';
import { w3cAnnotations } from '../../exports/w3c.js';
import { writeFileAtomic } from '../../files.js';
import { appVersion, resolveDbPath } from '../../paths.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural } from '../output.js';

// `assay export labelstudio|prodigy|w3c|training --study NAME`: a study in the formats other tools
// read (docs/interop.md).

function study(values: Record<string, unknown>): string {
  const name = values['study'];
  if (typeof name !== 'string' || name === '') throw new UsageError('--study NAME is required');
  return name;
}

type Render = (s: ReturnType<typeof loadStudyExport>, values: Record<string, unknown>) => { text: string; count: number; unit: string };

function fileExport(words: 'labelstudio' | 'prodigy' | 'w3c' | 'sarif', summary: string, render: Render, extra: { usage: string; options: Command['options']; check?: (values: Record<string, unknown>) => void } = { usage: '', options: {} }): Command {
  return {
    words: ['export', words],
    summary,
    usage: `--study NAME${extra.usage} [--out FILE] [--db PATH] [--json]`,
    options: { ...dbOption, ...jsonOption, study: { type: 'string' }, out: { type: 'string' }, ...extra.options },
    run({ values }, io) {
      const name = study(values);
      extra.check?.(values);
      const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
      try {
        const { text, count, unit } = render(loadStudyExport(db, name), values);
        const out = values['out'] as string | undefined;
        if (out === undefined) {
          io.stdout(text); // the export itself is the output (--json changes nothing)
          return 0;
        }
        const target = path.resolve(out);
        writeFileAtomic(target, text);
        output(values, io).result({ study: name, format: words, [unit]: count, out: target }, () => `Wrote ${plural(count, unit.replace(/s$/, ''))} of study ${name} to ${target} (${words}).`);
        return 0;
      } finally {
        db.close();
      }
    },
  };
}

/** `assay export labelstudio`. */
export const exportLabelStudioCommand = fileExport('labelstudio', "Export a study as Label Studio tasks (JSON): critiques as predictions, reviews as annotations", (s) => {
  const tasks = labelStudioTasks(s);
  return { text: `${JSON.stringify(tasks, null, 1)}\n`, count: tasks.length, unit: 'tasks' };
});

/** `assay export prodigy`. */
export const exportProdigyCommand = fileExport('prodigy', 'Export a study as Prodigy JSONL: critiques as spans, reviews as answers', (s) => {
  const examples = prodigyExamples(s);
  return { text: examples.map((e) => `${JSON.stringify(e)}\n`).join(''), count: examples.length, unit: 'examples' };
});

/** `assay export w3c`. */
export const exportW3cCommand = fileExport('w3c', 'Export added flaws and accepted critiques of summary tasks as W3C Web Annotations (JSON-LD)', (s) => {
  const doc = w3cAnnotations(s);
  return { text: `${JSON.stringify(doc, null, 1)}\n`, count: doc['total'] as number, unit: 'annotations' };
});

/** `--include accepted,added` as a list (default both); a usage error naming an unknown word. */
export function parseSarifInclude(value: unknown): SarifInclude[] {
  if (value === undefined) return [...SARIF_INCLUDES];
  const words = String(value)
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const bad = words.find((w) => !(SARIF_INCLUDES as readonly string[]).includes(w));
  if (bad !== undefined || words.length === 0) throw new UsageError(`--include takes ${SARIF_INCLUDES.join(', ')} or both, comma-separated${bad !== undefined ? ` (not "${bad}")` : ''}`);
  return SARIF_INCLUDES.filter((w) => words.includes(w));
}

/** `assay export sarif`. */
export const exportSarifCommand = fileExport(
  'sarif',
  "Export a study's accepted critiques and added flaws of code tasks as a SARIF 2.1.0 log (GitHub code scanning)",
  (s, values) => {
    const log = sarifLog(s, parseSarifInclude(values['include']), appVersion());
    const runs = log['runs'] as { results: unknown[] }[];
    return { text: `${JSON.stringify(log, null, 1)}\n`, count: runs[0]!.results.length, unit: 'results' };
  },
  { usage: ' [--include accepted,added]', options: { include: { type: 'string' } }, check: (values) => void parseSarifInclude(values['include']) },
);

/** A training export in words: the folder, then one line per file with its rows and tasks. */
function trainingText(study: string, r: TrainingExportReport): string {
  return [
    `Wrote ${plural(r.rows, 'row')} of ${r.kind} training data from study ${study} to ${r.out} (${r.format}):`,
    ...r.files.map((f) => `  ${f.file}  ${f.split}: ${plural(f.rows, 'row')} from ${plural(f.tasks, 'task')}`),
  ].join('\n');
}

/** `assay export training`. */
export const exportTrainingCommand: Command = {
  words: ['export', 'training'],
  summary: 'Export training data from a study (critique labels, TRL preference pairs, critique SFT) with a dataset card',
  usage: `--study NAME --kind ${trainingKinds.join('|')} --out DIR [--format jsonl|parquet] [--split train=0.9,test=0.1 --seed S] [--db PATH] [--json]`,
  options: { ...dbOption, ...jsonOption, study: { type: 'string' }, kind: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, split: { type: 'string' }, seed: { type: 'string' } },
  run({ values }, io) {
    const name = study(values);
    const kind = values['kind'] as string | undefined;
    if (kind === undefined || !(trainingKinds as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${trainingKinds.join(', ')}`);
    const out = values['out'];
    if (typeof out !== 'string' || out === '') throw new UsageError('--out DIR is required (a new or empty folder)');
    const format = (values['format'] as string | undefined) ?? 'jsonl';
    if (!(trainingFormats as readonly string[]).includes(format)) throw new UsageError(`--format: unknown format "${format}" (known: ${trainingFormats.join(', ')})`);
    const seedText = values['seed'] as string | undefined;
    if (seedText !== undefined && values['split'] === undefined) throw new UsageError('--seed only applies with --split');
    const seed = seedText === undefined ? 0 : Number(seedText);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff || !/^\d+$/.test(seedText ?? '0')) throw new UsageError('--seed must be a whole number from 0 to 4294967295');
    let split;
    try {
      split = values['split'] === undefined ? undefined : { parts: parseSplit(values['split'] as string), seed };
    } catch (err) {
      if (err instanceof SplitError) throw new UsageError(err.message);
      throw err;
    }
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const report = writeTrainingExport(loadStudyExport(db, name), { kind: kind as TrainingKind, format: format as TrainingFormat, out, split });
      output(values, io).result({ study: name, ...report }, () => trainingText(name, report));
      return 0;
    } finally {
      db.close();
    }
  },
};
