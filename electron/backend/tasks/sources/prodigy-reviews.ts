import fs from 'node:fs';
import path from 'node:path';
import { TextIndex } from '../../../../shared/anchors.js';
import type { ResultsFileReport } from '../../../../shared/contract/studies.js';
import { AppError } from '../../../../shared/result.js';
import type { ReviewRecord } from '../../../../shared/review/record.js';
import type { WritableDb } from '../../db/types.js';
import { importResults } from '../../studies/results.js';
import { requireStudy } from '../../studies/repository.js';
import { mapRow, type FieldMapping } from './field-map.js';
import { keyPath } from './jsonl-map.js';
import { defaultProdigyTaskId, exampleCritiques, groupExamples, prodigyMappings, readGroup } from './prodigy.js';
import type { SourceContext } from './source.js';
import { visibleTask } from '../staging.js';

// `assay import FILE --from prodigy --as-reviews --study NAME`: Prodigy answers as review records of
// a study. The examples of one input by one annotator (`_annotator_id`, which must be one of the
// study's evaluators) are one review: `accept` accepts the critiques of the example's spans (or its
// whole-output label), `reject` rejects them, `ignore` leaves them undecided; when every example was
// ignored the review is skipped. Times come from `_timestamp` (Prodigy keeps no time spent, so
// active time is 0). The records go through the review-record path of the results import
// (studies/results.ts), with every check it makes: the assignment, what the item shows, times.

/** The outcome of one file: the results import's report, with errors named by file and line. */
export interface ProdigyReviewsReport {
  readonly file: string;
  readonly errors: string[];
  readonly errorCount: number;
  readonly warnings: string[];
  readonly reviews: number;
  readonly merge: ResultsFileReport | null;
}

interface Pending {
  readonly task: string;
  readonly evaluator: string;
  readonly lines: number[];
  readonly decisions: Map<string, { verdict: 'accept' | 'reject'; line: number }>;
  first: number;
  last: number;
  answered: boolean;
}

/** Reads a Prodigy file's answers as review records and merges them into `study` (or, with `dryRun`, only checks them). */
export function importProdigyReviews(
  db: WritableDb,
  file: string,
  options: { readonly study: string; readonly map?: readonly FieldMapping[] | undefined; readonly label?: string; readonly dryRun?: boolean; readonly maxErrors?: number },
): ProdigyReviewsReport {
  const label = options.label ?? file;
  const maxErrors = options.maxErrors ?? 50;
  const errors: string[] = [];
  const warnings: string[] = [];
  let errorCount = 0;
  const ctx: Pick<SourceContext, 'file' | 'error' | 'warn'> = {
    file,
    error(where, field, message) {
      errorCount++;
      if (errors.length < maxErrors) errors.push(`${label}${where === null ? '' : `:${where}`}: ${field}: ${message}`);
    },
    warn(where, message) {
      if (warnings.length < maxErrors) warnings.push(`${label}:${where}: ${message}`);
    },
  };
  // SECURITY: answers made outside Assay have no proof of origin; like review-record JSON Lines they are
  // a researcher-side path, checked against the study's assignment by the results import.
  const study = requireStudy(db, options.study);
  const evaluators = (db.prepare('SELECT evaluator_id FROM study_evaluators WHERE study_id = $id ORDER BY position').all({ id: study.id }) as { evaluator_id: string }[]).map(
    (r) => r.evaluator_id,
  );
  if (!fs.existsSync(file)) throw new AppError('invalid-input', `${label}: cannot read the file: no such file`);
  const mappings = prodigyMappings(options.map);
  const groups = groupExamples(ctx);
  const reviews = new Map<string, Pending>();
  const taskRow = db.prepare(`SELECT t.output FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`);
  const critiqueIds = db.prepare('SELECT id FROM critiques WHERE task_id = $id');
  if (errorCount === 0) {
    const fd = fs.openSync(file, 'r');
    try {
      for (const g of groups) {
        const examples = readGroup(fd, g);
        const first = examples[0]!;
        const { task, problems } = mapRow(mappings, (c) => keyPath(first.value, c), { defaultId: defaultProdigyTaskId(g.key), parseJson: JSON.parse });
        for (const p of problems) ctx.error(String(first.line), p.field, p.message);
        if (problems.length > 0) continue;
        const taskId = String(task['id']);
        const row = taskRow.get({ id: taskId }) as { output: string } | undefined;
        if (!row) {
          ctx.error(String(first.line), '_input_hash', `no task "${taskId}" in this database: import the tasks first (assay import FILE --from prodigy, with the same --map)`);
          continue;
        }
        if (task['output'] !== row.output) {
          ctx.error(String(first.line), 'text', `differs from the output of task "${taskId}" in this database`);
          continue;
        }
        const known = new Set((critiqueIds.all({ id: taskId }) as { id: string }[]).map((r) => r.id));
        const index = new TextIndex(row.output);
        for (const ex of examples) {
          const where = String(ex.line);
          const answer = ex.value['answer'];
          const annotator = ex.value['_annotator_id'] ?? ex.value['_session_id'];
          const stamp = ex.value['_timestamp'];
          if (answer === undefined) continue; // a question nobody answered (a stream example): not a review
          if (answer !== 'accept' && answer !== 'reject' && answer !== 'ignore') {
            ctx.error(where, 'answer', `expected "accept", "reject" or "ignore" (got ${JSON.stringify(answer)})`);
            continue;
          }
          if (typeof annotator !== 'string' || annotator === '') {
            ctx.error(where, '_annotator_id', 'required: who answered (it names the study evaluator)');
            continue;
          }
          if (!evaluators.includes(annotator)) {
            ctx.error(where, '_annotator_id', `"${annotator}" is not an evaluator of study "${study.name}" (evaluators: ${evaluators.join(', ')})`);
            continue;
          }
          if (typeof stamp !== 'number' || !Number.isFinite(stamp)) {
            ctx.error(where, '_timestamp', 'required: when the answer was given (seconds since 1970, as Prodigy writes it)');
            continue;
          }
          const parsed = exampleCritiques(ctx, ex.value, row.output, index, ex.line);
          if (!parsed) continue;
          const ids = parsed.spans ? parsed.spans.map((s) => s.critique) : parsed.labelCritique ? [parsed.labelCritique] : [];
          if (ids.length === 0 && answer !== 'ignore') {
            ctx.error(where, 'spans', 'no spans and no label: nothing to accept or reject');
            continue;
          }
          const missing = ids.find((id) => !known.has(id));
          if (missing) {
            ctx.error(where, 'spans', `task "${taskId}" has no critique "${missing}": import the tasks from a file with this span first`);
            continue;
          }
          const key = `${taskId}\u0000${annotator}`;
          let r = reviews.get(key);
          if (!r) reviews.set(key, (r = { task: taskId, evaluator: annotator, lines: [], decisions: new Map(), first: stamp, last: stamp, answered: false }));
          r.lines.push(ex.line);
          r.first = Math.min(r.first, stamp);
          r.last = Math.max(r.last, stamp);
          if (answer === 'ignore') continue;
          r.answered = true;
          for (const id of ids) {
            const before = r.decisions.get(id);
            if (before && before.verdict !== answer) {
              ctx.error(where, 'answer', `"${annotator}" answered critique "${id}" with ${answer} here and ${before.verdict} on line ${before.line}`);
              continue;
            }
            r.decisions.set(id, { verdict: answer, line: ex.line });
          }
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  const list = [...reviews.values()];
  if (errorCount === 0 && list.length === 0) ctx.error(null, '(file)', 'no answers: the file has no examples with an answer');
  if (errorCount > 0) return { file: label, errors, errorCount, warnings, reviews: 0, merge: null };

  const conditionOf = db.prepare('SELECT condition FROM queue_items WHERE study = $study AND evaluator_id = $evaluator AND task_id = $task');
  const records: string[] = list.map((r) => {
    const item = conditionOf.get({ study: study.name, evaluator: r.evaluator, task: r.task }) as { condition: string } | undefined;
    const record: ReviewRecord = {
      task: r.task,
      evaluator: r.evaluator,
      study: study.name,
      condition: item?.condition ?? '',
      started_at: new Date(r.first * 1000).toISOString(),
      submitted_at: new Date(r.last * 1000).toISOString(),
      active_seconds: 0,
      rating: null,
      skipped: r.answered ? null : { reason: 'ignored in Prodigy' },
      decisions: [...r.decisions].map(([critique, d]) => ({ critique, verdict: d.verdict })),
      added: [],
    };
    return JSON.stringify(record);
  });
  if (options.dryRun) return { file: label, errors, errorCount, warnings, reviews: list.length, merge: null };
  // The one path for reviews made outside Assay: every check of `assay results import` applies.
  const name = path.basename(file); // what the results import records as the source, as `assay results import` does
  const [merge] = importResults(db, [{ fileName: name, content: `${records.join('\n')}\n` }], { study: study.name });
  if (merge!.status === 'refused') {
    // "NAME:N: …" names the N-th record: name the file's lines it came from instead
    const error = merge!.error ?? '';
    const m = error.startsWith(`${name}:`) ? /^(\d+)?:? /.exec(error.slice(name.length + 1)) : null;
    const r = m?.[1] !== undefined ? list[Number(m[1]) - 1] : undefined;
    const where = r ? (r.lines.length > 1 ? `${r.lines[0]} (and line${r.lines.length > 2 ? 's' : ''} ${r.lines.slice(1, 6).join(', ')}${r.lines.length > 6 ? ', …' : ''})` : String(r.lines[0])) : null;
    const rest = m ? error.slice(name.length + 1 + m[0].length) : error;
    const who = r ? `the review of task "${r.task}" by "${r.evaluator}": ` : '';
    ctx.error(where, '(review)', `${who}${rest}`);
    return { file: label, errors, errorCount, warnings, reviews: 0, merge: { ...merge!, file: label, error: errors[0] ?? null } };
  }
  return { file: label, errors, errorCount, warnings, reviews: list.length, merge: { ...merge!, file: label } };
}
