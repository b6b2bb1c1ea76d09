import { resolveAnchor } from '../../../shared/anchors.js';
import { assertNever } from '../../../shared/result.js';
import type { ReviewRecord } from '../../../shared/review/record.js';
import { coveredText, type ExportCritique, type ExportTask, type StudyExport } from './study-export.js';

// Training data from a study's human judgements (`assay export training`). Three kinds:
// - critique-labels: one row per critique shown in a submitted review, with its human verdict — what
//   a critique reward model or a helpfulness classifier trains on (Saunders et al. 2022);
// - preference: TRL's {prompt, chosen, rejected}: an accepted critique over a rejected one of the
//   same review, and an evaluator's edit over the model's original;
// - critique-sft: prompt → the human-corrected critique list (accepted, edited, and added flaws).
// Only submitted reviews count (never skipped or open ones). The prompt holds what the evaluator
// saw of the task — context and output — and nothing else: never critiques, flaws, `valid`, scores,
// ids, titles or meta. This module never reads ground truth at all: the labels are the evaluators'
// verdicts. Column by column: the dataset card (datasetCard) and docs/interop.md.

/** The kinds of `--kind`. */
export const trainingKinds = ['critique-labels', 'preference', 'critique-sft'] as const;
/** One of {@link trainingKinds}. */
export type TrainingKind = (typeof trainingKinds)[number];

/** A column of a training table: its name, type and meaning (for the card and the Parquet schema). */
export interface TrainingColumn {
  readonly name: string;
  readonly type: 'string' | 'int' | 'bool';
  readonly nullable: boolean;
  readonly doc: string;
}

/** A cell of a training table. */
export type TrainingCell = string | number | boolean | null;

/** A training table: its columns and rows, each row with the task it belongs to (for splits). */
export interface TrainingTable {
  readonly kind: TrainingKind;
  readonly columns: readonly TrainingColumn[];
  readonly rows: readonly { readonly task: string; readonly values: readonly TrainingCell[] }[];
}

const s = (name: string, doc: string, nullable = false): TrainingColumn => ({ name, type: 'string', nullable, doc });

const idColumns: readonly TrainingColumn[] = [
  s('study', 'the study'),
  s('task', 'the task id (rows of one task are always in the same split)'),
  s('evaluator', 'the evaluator id'),
  s('condition', 'the study condition the review was made under'),
];

/** The verdicts of `critique-labels`. */
export const verdicts = ['accept', 'accept-edited', 'reject', 'undecided'] as const;

const columnsOf: Record<TrainingKind, readonly TrainingColumn[]> = {
  'critique-labels': [
    ...idColumns,
    s('prompt', 'the task as the evaluator saw it (context and output), rendered with the template below'),
    s('query', "the task's question or instruction (context.query)", true),
    s('document', "the task's source text (context.document)", true),
    s('problem', "a code task's problem statement (context.problem)", true),
    s('output', 'the model output under review'),
    s('critique_id', "the critique's id in the task"),
    s('critique', 'the model critique as shown'),
    s('critique_quote', 'the part of the output the critique is anchored to', true),
    s('verdict', '`accept`, `accept-edited` (accepted with the evaluator’s edit), `reject`, or `undecided` (shown, never decided)'),
    s('reason', 'the reject reason (`incorrect`, `nitpick`, `unclear`, `duplicate`, `other`), for `reject`', true),
    s('edited_critique', "the evaluator's edited text, for `accept-edited`", true),
  ],
  preference: [
    ...idColumns,
    s('prompt', 'the task as the evaluator saw it (context and output), rendered with the template below'),
    s('chosen', 'the preferred critique, rendered as `"quote": text` when anchored'),
    s('rejected', 'the dispreferred critique, rendered the same way'),
    s('pair', '`accepted-over-rejected` (two critiques of one review) or `edited-over-original` (an edit over the model’s text)'),
    s('chosen_critique_id', 'the id of the chosen critique'),
    s('rejected_critique_id', 'the id of the rejected critique'),
  ],
  'critique-sft': [
    ...idColumns,
    s('prompt', 'the task as the evaluator saw it (context and output), rendered with the template below'),
    s('completion', 'the human-corrected critique list, one `- ` line per critique (empty when the evaluator found nothing)'),
    s('critiques_json', 'the same list as JSON: [{"text", "quote", "source": "model" | "edited" | "evaluator", "critique"?, "flaw"?}]'),
    { name: 'n_model', type: 'int', nullable: false, doc: 'accepted model critiques in the list, unedited' },
    { name: 'n_edited', type: 'int', nullable: false, doc: 'accepted model critiques in the list, as the evaluator edited them' },
    { name: 'n_added', type: 'int', nullable: false, doc: 'flaws the evaluator added' },
  ],
};

/** The template of the `prompt` column, for the card. */
export const PROMPT_TEMPLATE = [
  'Question: {context.query}            (when the task has one)',
  'Problem:\\n{context.problem}          (code tasks, when present)',
  'Document:\\n{context.document}        (when present)',
  'Summary:\\n{output}                   (summary tasks)',
  'Original code ({language}):\\n{base}  then  Changed code ({language}):\\n{output}   (code diffs; `Code:` without a base)',
  'The parts are joined by a blank line.',
].join('\n');

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** What the evaluator saw of a task, as one prompt text: never critiques, flaws, ids or meta. */
export function renderPrompt(task: ExportTask): string {
  const src = task.source;
  const context = src['context'] !== null && typeof src['context'] === 'object' ? (src['context'] as Record<string, unknown>) : {};
  const parts: string[] = [];
  const query = str(context['query']);
  const problem = str(context['problem']);
  const document = str(context['document']);
  if (query) parts.push(`Question: ${query}`);
  if (problem) parts.push(`Problem:\n${problem}`);
  if (document) parts.push(`Document:\n${document}`);
  if (task.kind === 'summary') parts.push(`Summary:\n${task.output}`);
  else {
    const lang = str(src['language']);
    const tag = lang ? ` (${lang})` : '';
    if (task.base !== null) parts.push(`Original code${tag}:\n${task.base}`, `Changed code${tag}:\n${task.output}`);
    else parts.push(`Code${tag}:\n${task.output}`);
  }
  return parts.join('\n\n');
}

/** A critique as a completion: `"quote": text` when anchored, else the text. */
export function renderCritique(text: string, quote: string | null): string {
  return quote ? `"${quote}": ${text}` : text;
}

function quoteOf(task: ExportTask, c: ExportCritique): string | null {
  return c.resolved ? coveredText(task, c.resolved) : null;
}

function verdictOf(d: ReviewRecord['decisions'][number] | undefined): (typeof verdicts)[number] {
  if (!d) return 'undecided';
  if (d.verdict === 'reject') return 'reject';
  return d.edited_text !== undefined ? 'accept-edited' : 'accept';
}

/** The rows of one kind for a study. */
export function trainingTable(study: StudyExport, kind: TrainingKind): TrainingTable {
  const rows: { task: string; values: TrainingCell[] }[] = [];
  for (const task of study.tasks) {
    const byId = new Map(task.critiques.map((c) => [c.id, c]));
    const src = task.source;
    const context = src['context'] !== null && typeof src['context'] === 'object' ? (src['context'] as Record<string, unknown>) : {};
    const prompt = renderPrompt(task);
    for (const review of task.reviews) {
      if (review.status !== 'submitted') continue; // skipped reviews carry no judgement
      const ids: TrainingCell[] = [study.study.name, task.id, review.evaluator, review.condition];
      const decided = new Map(review.record.decisions.map((d) => [d.critique, d]));
      switch (kind) {
        case 'critique-labels':
          for (const id of review.shown) {
            const c = byId.get(id);
            if (!c) continue;
            const d = decided.get(id);
            rows.push({
              task: task.id,
              values: [
                ...ids,
                prompt,
                str(context['query']),
                str(context['document']),
                str(context['problem']),
                task.output,
                c.id,
                c.text,
                quoteOf(task, c),
                verdictOf(d),
                d?.verdict === 'reject' ? (d.reason ?? null) : null,
                d?.edited_text ?? null,
              ],
            });
          }
          break;
        case 'preference': {
          const shown = review.shown.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
          const accepted = shown.filter((c) => decided.get(c.id)?.verdict === 'accept');
          const rejected = shown.filter((c) => decided.get(c.id)?.verdict === 'reject');
          const endorsed = (c: ExportCritique): string => renderCritique(decided.get(c.id)?.edited_text ?? c.text, quoteOf(task, c));
          for (const a of accepted) {
            for (const r of rejected) {
              rows.push({ task: task.id, values: [...ids, prompt, endorsed(a), renderCritique(r.text, quoteOf(task, r)), 'accepted-over-rejected', a.id, r.id] });
            }
          }
          for (const a of accepted) {
            const edited = decided.get(a.id)?.edited_text;
            if (edited === undefined || edited === a.text) continue;
            rows.push({ task: task.id, values: [...ids, prompt, renderCritique(edited, quoteOf(task, a)), renderCritique(a.text, quoteOf(task, a)), 'edited-over-original', a.id, a.id] });
          }
          break;
        }
        case 'critique-sft': {
          const list: { text: string; quote: string | null; source: 'model' | 'edited' | 'evaluator'; critique?: string; flaw?: string }[] = [];
          for (const id of review.shown) {
            const c = byId.get(id);
            const d = decided.get(id);
            if (!c || d?.verdict !== 'accept') continue;
            list.push(d.edited_text !== undefined ? { text: d.edited_text, quote: quoteOf(task, c), source: 'edited', critique: c.id } : { text: c.text, quote: quoteOf(task, c), source: 'model', critique: c.id });
          }
          for (const f of review.record.added) {
            const r = f.anchor ? resolveAnchor(f.anchor, task.output, { base: task.base }) : null;
            list.push({ text: f.description, quote: r && r.ok ? coveredText(task, r.value) : null, source: 'evaluator', flaw: f.id });
          }
          rows.push({
            task: task.id,
            values: [
              ...ids,
              prompt,
              list.map((x) => `- ${renderCritique(x.text, x.quote)}`).join('\n'),
              JSON.stringify(list),
              list.filter((x) => x.source === 'model').length,
              list.filter((x) => x.source === 'edited').length,
              list.filter((x) => x.source === 'evaluator').length,
            ],
          });
          break;
        }
        default:
          assertNever(kind, 'training kind');
      }
    }
  }
  return { kind, columns: columnsOf[kind], rows };
}
