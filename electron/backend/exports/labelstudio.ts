import { resolveAnchor } from '../../../shared/anchors.js';
import type { ReviewRecord } from '../../../shared/review/record.js';
import type { Anchor } from '../../../shared/task-format.js';
import type { LabelStudioMeta, StoredResult } from '../tasks/sources/labelstudio.js';
import type { FinishedReview } from '../reviews/records.js';
import { coveredText, type ExportCritique, type ExportTask, type StudyExport } from './study-export.js';

// `assay export labelstudio --study NAME`: the study's tasks as Label Studio tasks (JSON export
// format, an array): the model critiques as a prediction's text spans, every finished review as an
// annotation (verdicts, reasons, edits, added flaws, rating). A task imported from Label Studio comes
// back with its data and predictions as they were (offsets repaired on import stay repaired), its
// annotations, and one more annotation per review. The labeling config that shows all of this is
// LABEL_STUDIO_CONFIG (docs/interop.md). Field by field: docs/interop.md.

/** The `to_name` of every result: the `<Text name="text" value="$text"/>` of the config. */
const TO = 'text';

/** A labeling config for the exported tasks (paste it into the Label Studio project's settings). */
export const LABEL_STUDIO_CONFIG = `<View>
  <Header value="$title"/>
  <Text name="context" value="$document"/>
  <Text name="text" value="$text"/>
  <Labels name="critique" toName="text"><Label value="Critique"/></Labels>
  <TextArea name="critique_text" toName="text" perRegion="true" editable="true"/>
  <Choices name="severity" toName="text" perRegion="true"><Choice value="minor"/><Choice value="major"/><Choice value="critical"/></Choices>
  <Choices name="verdict" toName="text" perRegion="true"><Choice value="accept"/><Choice value="reject"/></Choices>
  <Choices name="reason" toName="text" perRegion="true"><Choice value="incorrect"/><Choice value="nitpick"/><Choice value="unclear"/><Choice value="duplicate"/><Choice value="other"/></Choices>
  <TextArea name="edited" toName="text" perRegion="true"/>
  <Labels name="flaw" toName="text"><Label value="Flaw"/></Labels>
  <TextArea name="flaw_text" toName="text" perRegion="true"/>
  <Rating name="rating" toName="text" maxRating="7"/>
  <TextArea name="evaluator" toName="text"/>
  <TextArea name="condition" toName="text"/>
</View>
`;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The Label Studio span of a critique: code points and the text, or null for a critique without a span on the output. */
function span(task: ExportTask, c: ExportCritique): { start: number; end: number; text: string } | null {
  if (!c.resolved || c.resolved.side === 'base') return null;
  return { start: c.resolved.start, end: c.resolved.end, text: coveredText(task, c.resolved) };
}

/** The results of one critique as a prediction holds them. */
function critiqueResults(task: ExportTask, c: ExportCritique): Record<string, unknown>[] {
  const stored = isObject(c.source['labelstudio']) ? c.source['labelstudio']['results'] : undefined;
  const s = span(task, c);
  if (Array.isArray(stored)) {
    // imported from Label Studio: its own results, with the span Assay resolved
    return stored.map((r) => {
      const out = structuredClone(r) as Record<string, unknown>;
      if (out['type'] === 'labels' && isObject(out['value']) && s) {
        out['value']['start'] = s.start;
        out['value']['end'] = s.end;
        if ('text' in out['value']) out['value']['text'] = s.text;
      }
      return out;
    });
  }
  const severity = typeof c.source['severity'] === 'string' ? c.source['severity'] : undefined;
  const category = typeof c.source['category'] === 'string' ? c.source['category'] : undefined;
  const score = typeof c.source['score'] === 'number' ? { score: c.source['score'] } : {};
  if (!s) return [{ id: c.id, from_name: 'critique_text', to_name: TO, type: 'textarea', value: { text: [c.text] }, ...score }];
  return [
    { id: c.id, from_name: 'critique', to_name: TO, type: 'labels', value: { start: s.start, end: s.end, text: s.text, labels: [category ?? 'Critique'] }, ...score },
    { id: c.id, from_name: 'critique_text', to_name: TO, type: 'textarea', value: { start: s.start, end: s.end, text: [c.text] } },
    ...(severity ? [{ id: c.id, from_name: 'severity', to_name: TO, type: 'choices', value: { start: s.start, end: s.end, choices: [severity] } }] : []),
  ];
}

function predictions(task: ExportTask, meta: LabelStudioMeta | null): unknown[] | undefined {
  if (meta) {
    if (!meta.predictions) return undefined;
    const results = new Map(task.critiques.map((c) => [c.id, critiqueResults(task, c)]));
    return meta.predictions.map((p) => ({
      ...p.fields,
      result: p.result.map((item: StoredResult) => ('result' in item ? item.result : results.get(item.critique)?.[item.part])),
    }));
  }
  if (task.critiques.length === 0) return [];
  // one prediction per critic model (model_version), in the order the models first appear
  const groups = new Map<string, ExportCritique[]>();
  for (const c of task.critiques) {
    const model = typeof c.source['model'] === 'string' ? c.source['model'] : '';
    const list = groups.get(model);
    if (list) list.push(c);
    else groups.set(model, [c]);
  }
  return [...groups].map(([model, list]) => ({ ...(model ? { model_version: model } : {}), result: list.flatMap((c) => critiqueResults(task, c)) }));
}

/** The data of a task: as imported from Label Studio, else the task's visible fields under the config's names. */
function data(task: ExportTask, meta: LabelStudioMeta | null): Record<string, unknown> {
  const src = task.source;
  const context = isObject(src['context']) ? src['context'] : {};
  const field = (target: string): unknown => (target.startsWith('context.') ? context[target.slice(8)] : src[target]);
  if (meta) {
    const out: Record<string, unknown> = {};
    for (const key of meta.keys) out[key] = key in meta.fields ? field(meta.fields[key]!) : meta.data[key];
    return out;
  }
  const out: Record<string, unknown> = { assay_task: task.id, kind: task.kind, text: task.output };
  for (const k of ['title', 'language', 'base'] as const) if (typeof src[k] === 'string') out[k] = src[k];
  for (const k of ['document', 'query', 'problem'] as const) if (typeof context[k] === 'string') out[k] = context[k];
  return out;
}

/** The region of an anchor on the output in code points, or null. */
function anchorSpan(task: ExportTask, anchor: Anchor | undefined): { start: number; end: number; text: string } | null {
  if (!anchor) return null;
  const r = resolveAnchor(anchor, task.output, { base: task.base });
  if (!r.ok || r.value.side === 'base') return null;
  return { start: r.value.start, end: r.value.end, text: task.output.slice(r.value.start16, r.value.end16) };
}

/** One review as a Label Studio annotation. */
function annotation(task: ExportTask, review: FinishedReview): Record<string, unknown> {
  const record: ReviewRecord = review.record;
  const byId = new Map(task.critiques.map((c) => [c.id, c]));
  const result: Record<string, unknown>[] = [];
  for (const d of record.decisions) {
    const c = byId.get(d.critique);
    if (!c) continue;
    const s = span(task, c);
    const where = s ? { start: s.start, end: s.end } : {};
    if (s) {
      const labels = critiqueResults(task, c).find((r) => r['type'] === 'labels');
      result.push(labels ?? { id: c.id, from_name: 'critique', to_name: TO, type: 'labels', value: { ...where, text: s.text, labels: ['Critique'] } });
    }
    const id = s ? ((critiqueResults(task, c).find((r) => r['type'] === 'labels')?.['id'] as string | undefined) ?? c.id) : c.id;
    result.push({ id, from_name: 'verdict', to_name: TO, type: 'choices', value: { ...where, choices: [d.verdict] } });
    if (d.reason) result.push({ id, from_name: 'reason', to_name: TO, type: 'choices', value: { ...where, choices: [d.reason] } });
    if (d.edited_text !== undefined) result.push({ id, from_name: 'edited', to_name: TO, type: 'textarea', value: { ...where, text: [d.edited_text] } });
  }
  for (const f of record.added) {
    const s = anchorSpan(task, f.anchor);
    const id = `flaw-${f.id}`;
    if (s) result.push({ id, from_name: 'flaw', to_name: TO, type: 'labels', value: { start: s.start, end: s.end, text: s.text, labels: ['Flaw'] } });
    result.push({ id, from_name: 'flaw_text', to_name: TO, type: 'textarea', value: { ...(s ? { start: s.start, end: s.end } : {}), text: [f.description] } });
  }
  if (record.rating !== null) result.push({ id: 'rating', from_name: 'rating', to_name: TO, type: 'rating', value: { rating: record.rating } });
  result.push({ id: 'evaluator', from_name: 'evaluator', to_name: TO, type: 'textarea', value: { text: [record.evaluator] } });
  result.push({ id: 'condition', from_name: 'condition', to_name: TO, type: 'textarea', value: { text: [record.condition] } });
  return {
    result,
    was_cancelled: record.skipped !== null,
    ground_truth: false,
    created_at: record.started_at,
    updated_at: record.submitted_at,
    lead_time: record.active_seconds,
  };
}

/** The study as Label Studio tasks (one JSON array). */
export function labelStudioTasks(study: StudyExport): unknown[] {
  return study.tasks.map((task) => {
    const meta = isObject(task.source['meta']) && isObject(task.source['meta']['labelstudio']) ? (task.source['meta']['labelstudio'] as unknown as LabelStudioMeta) : null;
    const earlier = meta && Array.isArray(meta.annotations) ? meta.annotations : [];
    const preds = predictions(task, meta);
    const annotations = [...earlier, ...task.reviews.map((r) => annotation(task, r))];
    return {
      ...(meta ? meta.task : {}),
      data: data(task, meta),
      ...(preds !== undefined ? { predictions: preds } : {}),
      ...(annotations.length > 0 || !meta || meta.annotations !== undefined ? { annotations } : {}),
    };
  });
}
