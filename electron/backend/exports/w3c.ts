import { resolveAnchor, TextIndex } from '../../../shared/anchors.js';
import type { StudyExport, ExportTask } from './study-export.js';

// `assay export w3c --study NAME`: the added flaws and accepted critiques of a study's summary tasks
// as W3C Web Annotations (Web Annotation Data Model, JSON-LD): one AnnotationCollection whose first
// page holds them all. Each annotation targets the task's output with a TextQuoteSelector (exact,
// with up to 32 code points of prefix and suffix) and a TextPositionSelector (code points), unless
// it has no anchor (then it targets the whole output). Assay's own fields are under the `assay:`
// prefix, which the document's context defines. Field by field: docs/interop.md.

/** The W3C context, and Assay's prefix for its own properties. */
export const W3C_CONTEXT = ['http://www.w3.org/ns/anno.jsonld', { assay: 'urn:assay:vocab#' }] as const;

/** How many code points of context a TextQuoteSelector carries on each side (as Hypothesis does). */
const CONTEXT_CODE_POINTS = 32;

const enc = encodeURIComponent;

/** The IRI of a task's output (what the annotations target). */
export function taskIri(study: string, task: string): string {
  return `urn:assay:study:${enc(study)}:task:${enc(task)}:output`;
}

function selectors(task: ExportTask, index: TextIndex, start: number, end: number): unknown[] {
  const text = task.output;
  const s16 = index.toUtf16(start);
  const e16 = index.toUtf16(end);
  const p16 = index.toUtf16(Math.max(0, start - CONTEXT_CODE_POINTS));
  const x16 = index.toUtf16(Math.min(index.length, end + CONTEXT_CODE_POINTS));
  return [
    { type: 'TextQuoteSelector', exact: text.slice(s16, e16), prefix: text.slice(p16, s16), suffix: text.slice(e16, x16) },
    { type: 'TextPositionSelector', start, end },
  ];
}

/** The study's added flaws and accepted critiques of summary tasks as one W3C AnnotationCollection. */
export function w3cAnnotations(study: StudyExport, now = Date.now()): Record<string, unknown> {
  const name = study.study.name;
  const names = new Map(study.evaluators.map((e) => [e.id, e.name]));
  const items: Record<string, unknown>[] = [];
  for (const task of study.tasks) {
    if (task.kind !== 'summary') continue;
    const index = new TextIndex(task.output);
    const source = taskIri(name, task.id);
    const byId = new Map(task.critiques.map((c) => [c.id, c]));
    for (const review of task.reviews) {
      if (review.status !== 'submitted') continue;
      const creator = { id: `urn:assay:evaluator:${enc(review.evaluator)}`, type: 'Person', name: names.get(review.evaluator) ?? review.evaluator };
      const base = (id: string): Record<string, unknown> => ({
        id: `urn:assay:study:${enc(name)}:review:${review.id}:${id}`,
        type: 'Annotation',
        motivation: 'assessing',
        created: review.record.submitted_at,
        creator,
        'assay:task': task.id,
        'assay:condition': review.condition,
      });
      for (const d of review.record.decisions) {
        if (d.verdict !== 'accept') continue;
        const c = byId.get(d.critique);
        if (!c) continue;
        const r = c.resolved && c.resolved.side === 'output' ? c.resolved : null;
        const model = typeof c.source['model'] === 'string' ? c.source['model'] : undefined;
        items.push({
          ...base(`critique:${enc(c.id)}`),
          body: { type: 'TextualBody', value: d.edited_text ?? c.text, format: 'text/plain', purpose: 'commenting' },
          target: r ? { source, selector: selectors(task, index, r.start, r.end) } : source,
          'assay:critique': c.id,
          'assay:edited': d.edited_text !== undefined,
          ...(model ? { generator: { id: `urn:assay:model:${enc(model)}`, type: 'Software', name: model } } : {}),
        });
      }
      for (const f of review.record.added) {
        const r = f.anchor ? resolveAnchor(f.anchor, task.output, { base: task.base, index }) : null;
        const range = r && r.ok && r.value.side === 'output' ? r.value : null;
        items.push({
          ...base(`flaw:${enc(f.id)}`),
          body: { type: 'TextualBody', value: f.description, format: 'text/plain', purpose: 'commenting' },
          target: range ? { source, selector: selectors(task, index, range.start, range.end) } : source,
          'assay:flaw': f.id,
          ...(f.severity ? { 'assay:severity': f.severity } : {}),
          ...(f.category ? { 'assay:category': f.category } : {}),
        });
      }
    }
  }
  const id = `urn:assay:study:${enc(name)}:annotations`;
  return {
    '@context': W3C_CONTEXT,
    id,
    type: 'AnnotationCollection',
    label: `Assay study "${name}": added flaws and accepted critiques`,
    generated: new Date(now).toISOString(),
    total: items.length,
    first: { id: `${id}:page1`, type: 'AnnotationPage', startIndex: 0, items },
  };
}
