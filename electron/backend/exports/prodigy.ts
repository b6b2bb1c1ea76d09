import crypto from 'node:crypto';
import { resolveAnchor } from '../../../shared/anchors.js';
import type { ProdigyMeta } from '../tasks/sources/prodigy.js';
import type { FinishedReview } from '../reviews/records.js';
import { coveredText, type ExportCritique, type ExportTask, type StudyExport } from './study-export.js';

// `assay export prodigy --study NAME`: Prodigy JSONL, one example per line. A task imported from
// Prodigy gives back its examples as they were (spans from its critiques), then one example per
// shown critique per finished review, with the evaluator's answer (accept, reject, or ignore for a
// critique left undecided or a skipped review) under `_annotator_id`. A task from elsewhere gives
// one unanswered example per critique no review answered, then the answers. Field by field:
// docs/interop.md.

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A signed 32-bit hash, the shape of Prodigy's `_input_hash` and `_task_hash` (not Prodigy's own function: Prodigy recomputes its hashes when it needs them). */
export function hash32(text: string): number {
  return crypto.createHash('sha256').update(text).digest().readInt32BE(0);
}

function spanOf(task: ExportTask, c: ExportCritique): { start: number; end: number; text: string } | null {
  if (!c.resolved || c.resolved.side === 'base') return null;
  return { start: c.resolved.start, end: c.resolved.end, text: coveredText(task, c.resolved) };
}

/** The examples of a task imported from Prodigy, rebuilt: the critiques give the spans and labels back. */
function originalExamples(task: ExportTask, meta: ProdigyMeta): Record<string, unknown>[] {
  const byId = new Map(task.critiques.map((c) => [c.id, c]));
  return meta.examples.map((ex) => {
    const out: Record<string, unknown> = {};
    for (const key of ex.keys) {
      if (key === meta.text_key) out[key] = task.output;
      else if (key === 'spans' && ex.spans) {
        out[key] = ex.spans.map((s) => {
          const c = byId.get(s.critique);
          const span = c ? spanOf(task, c) : null;
          const o: Record<string, unknown> = {};
          for (const k of s.keys) {
            if (k === 'start') o[k] = span?.start;
            else if (k === 'end') o[k] = span?.end;
            else if (k === 'label') o[k] = c?.source['category'];
            else o[k] = s.extra[k];
          }
          return o;
        });
      } else if (key === 'label' && ex.label) out[key] = byId.get(ex.label)?.source['category'];
      else out[key] = ex.fields[key];
    }
    return out;
  });
}

/** One example asking about one critique: its span (or its whole-output label) and the critique's text in `meta`. */
function question(task: ExportTask, c: ExportCritique, inputHash: number): Record<string, unknown> {
  const span = spanOf(task, c);
  const label = typeof c.source['category'] === 'string' ? c.source['category'] : 'CRITIQUE';
  return {
    text: task.output,
    ...(span ? { spans: [{ start: span.start, end: span.end, text: span.text, label }] } : { label }),
    meta: { task: task.id, critique: c.text, ...(typeof c.source['severity'] === 'string' ? { severity: c.source['severity'] } : {}) },
    _input_hash: inputHash,
    _task_hash: hash32(`${inputHash}\u0000${c.id}`),
    _view_id: span ? 'spans' : 'classification',
  };
}

/** A review's answers: one example per shown critique, then one per added flaw. */
function answers(task: ExportTask, review: FinishedReview, study: string, inputHash: number): Record<string, unknown>[] {
  const byId = new Map(task.critiques.map((c) => [c.id, c]));
  const decided = new Map(review.record.decisions.map((d) => [d.critique, d]));
  const who = { _annotator_id: review.evaluator, _session_id: `${study}-${review.evaluator}`, _timestamp: Math.floor(review.submittedAt / 1000) };
  const out: Record<string, unknown>[] = [];
  for (const id of review.shown) {
    const c = byId.get(id);
    if (!c) continue;
    const d = decided.get(id);
    const answer = review.status === 'skipped' || !d ? 'ignore' : d.verdict;
    out.push({
      ...question(task, c, inputHash),
      answer,
      ...who,
      assay: {
        study,
        condition: review.condition,
        critique: id,
        verdict: review.status === 'skipped' ? 'skipped' : d ? (d.edited_text !== undefined ? 'accept-edited' : d.verdict) : 'undecided',
        ...(d?.reason ? { reason: d.reason } : {}),
        ...(d?.edited_text !== undefined ? { edited_text: d.edited_text } : {}),
        ...(review.record.rating !== null ? { rating: review.record.rating } : {}),
      },
    });
  }
  for (const f of review.record.added) {
    const r = f.anchor ? resolveAnchor(f.anchor, task.output, { base: task.base }) : null;
    const span = r && r.ok && r.value.side === 'output' ? { start: r.value.start, end: r.value.end, text: task.output.slice(r.value.start16, r.value.end16) } : null;
    out.push({
      text: task.output,
      ...(span ? { spans: [{ ...span, label: 'FLAW' }] } : { label: 'FLAW' }),
      meta: { task: task.id, flaw: f.description, ...(f.severity ? { severity: f.severity } : {}) },
      _input_hash: inputHash,
      _task_hash: hash32(`${inputHash}\u0000added\u0000${review.evaluator}\u0000${f.id}`),
      _view_id: span ? 'spans' : 'classification',
      answer: 'accept',
      ...who,
      assay: { study, condition: review.condition, added: f.id, ...(f.category ? { category: f.category } : {}) },
    });
  }
  return out;
}

/** The study as Prodigy examples, one object per line of the file. */
export function prodigyExamples(study: StudyExport): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const task of study.tasks) {
    const meta = isObject(task.source['meta']) && isObject(task.source['meta']['prodigy']) ? (task.source['meta']['prodigy'] as unknown as ProdigyMeta) : null;
    const firstHash = meta?.examples.find((e) => typeof e.fields['_input_hash'] === 'number')?.fields['_input_hash'];
    const inputHash = typeof firstHash === 'number' ? firstHash : hash32(task.output);
    if (meta) out.push(...originalExamples(task, meta));
    else {
      const answered = new Set(task.reviews.flatMap((r) => r.shown));
      for (const c of task.critiques) if (!answered.has(c.id)) out.push(question(task, c, inputHash));
    }
    for (const r of task.reviews) out.push(...answers(task, r, study.study.name, inputHash));
  }
  return out;
}
