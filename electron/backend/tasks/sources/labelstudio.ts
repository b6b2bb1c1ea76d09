import { TextIndex } from '../../../../shared/anchors.js';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { mapRow, type FieldMapping } from './field-map.js';
import { JsonItemSplitter } from './json-items.js';
import { readChunks } from './jsonl-map.js';
import { checkSpan } from './spans.js';
import { isObject, parseForeignJson, type SourceContext, type TaskSource } from './source.js';

// Label Studio's JSON export → tasks. `data.text` (or the data key `--map output=KEY` names) is the
// output; each prediction's text spans (`labels` results) become critiques, with the per-region
// `textarea` (same region id) as the critique's text; annotations are kept in `meta.labelstudio`.
// What Assay has no field for is kept so that `assay export labelstudio` gives the task back:
// each critique carries its region's results (`labelstudio.results`), and `meta.labelstudio` the
// task's other fields, the rest of `data`, the predictions' own fields with their other results in
// place, and the annotations. Mapping, field by field: docs/interop.md.

/** Task fields whose value, when it came from a string in `data`, is not stored twice. */
const textFields = new Set(['id', 'kind', 'title', 'output', 'language', 'base', 'context.document', 'context.query', 'context.problem']);

/** A prediction's result list as kept in `meta.labelstudio`: a critique's part, or a result kept as it was. */
export type StoredResult = { readonly critique: string; readonly part: number } | { readonly result: unknown };

/** What `meta.labelstudio` holds (see docs/interop.md). */
export interface LabelStudioMeta {
  /** The task's top-level fields other than data, predictions and annotations (`id`, `meta`, …). */
  readonly task: Record<string, unknown>;
  /** The keys of `data` in their order. */
  readonly keys: readonly string[];
  /** Data keys whose string went into a task field, and which field. */
  readonly fields: Record<string, string>;
  /** The rest of `data`. */
  readonly data: Record<string, unknown>;
  /** The predictions' own fields and their results (absent when the task had no `predictions`). */
  readonly predictions?: readonly { readonly fields: Record<string, unknown>; readonly result: readonly StoredResult[] }[];
  readonly annotations?: unknown;
}

/** The mappings for a Label Studio task: `output=text` unless `--map` says otherwise; sources are data keys (`data.` optional). */
function labelStudioMappings(user: readonly FieldMapping[] | undefined): FieldMapping[] {
  const strip = (m: FieldMapping): FieldMapping =>
    'column' in m.source && m.source.column.startsWith('data.') ? { target: m.target, source: { column: m.source.column.slice(5) } } : m;
  const mappings = (user ?? []).map(strip);
  if (!mappings.some((m) => m.target === 'output')) mappings.unshift({ target: 'output', source: { column: 'text' } });
  return mappings;
}

const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('\n') : undefined);

/** Turns one Label Studio task into an Assay task, or reports why not. */
function mapTask(ctx: SourceContext, raw: unknown, where: string, item: number, mappings: readonly FieldMapping[]): Record<string, unknown> | null {
  if (!isObject(raw)) {
    ctx.error(where, '(task)', 'expected a Label Studio task (an object with "data")');
    return null;
  }
  const { data, predictions, annotations, ...rest } = raw;
  if (!isObject(data)) {
    ctx.error(where, 'data', 'missing or not an object: a Label Studio task has its content in "data"');
    return null;
  }
  for (const m of mappings) {
    if ((m.target === 'output' || m.target === 'id') && 'column' in m.source && data[m.source.column] === undefined) {
      ctx.error(where, `data.${m.source.column}`, `missing (it is mapped to ${m.target}${m.target === 'output' && m.source.column === 'text' ? '; use --map output=KEY for another data key' : ''})`);
      return null;
    }
  }
  const lsId = rest['id'];
  const defaultId = `${ctx.stem}-${typeof lsId === 'number' || typeof lsId === 'string' ? String(lsId) : item}`;
  const { task, problems } = mapRow(mappings, (c) => data[c], { defaultId, parseJson: parseUntrustedJson });
  let ok = true;
  for (const p of problems) {
    const m = mappings.find((x) => x.target === p.field);
    ctx.error(where, m && 'column' in m.source ? `data.${m.source.column}` : p.field, `${p.message} (mapped to ${p.field})`);
    ok = false;
  }
  if (!ok) return null;
  const output = task['output'];
  if (typeof output !== 'string') return null;

  const fields: Record<string, string> = {};
  for (const m of mappings) if ('column' in m.source && textFields.has(m.target) && typeof data[m.source.column] === 'string') fields[m.source.column] = m.target;
  const dataRest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!(k in fields)) dataRest[k] = v;

  const index = new TextIndex(output);
  const critiques: Record<string, unknown>[] = [];
  const used = new Set<string>();
  const storedPredictions: { fields: Record<string, unknown>; result: StoredResult[] }[] = [];
  if (predictions !== undefined && !Array.isArray(predictions)) {
    ctx.error(where, 'predictions', 'must be a list');
    return null;
  }
  for (const [pi, prediction] of (predictions ?? []).entries()) {
    const ppath = `predictions[${pi}]`;
    if (!isObject(prediction) || !Array.isArray(prediction['result'])) {
      ctx.error(where, ppath, 'expected an object with a "result" list');
      ok = false;
      continue;
    }
    const { result, ...pfields } = prediction as { result: unknown[] } & Record<string, unknown>;
    // Regions: a `labels` result with a text span; parts: the other results with the same id.
    const regionOf = new Map<string, Record<string, unknown>>();
    const owner: (Record<string, unknown> | null)[] = result.map(() => null);
    result.forEach((r, ri) => {
      if (isObject(r) && r['type'] === 'labels' && typeof r['id'] === 'string' && !regionOf.has(r['id'])) {
        const critique: Record<string, unknown> = { region: r['id'], results: [] as unknown[], positions: [] as number[] };
        regionOf.set(r['id'], critique);
        owner[ri] = critique;
      }
    });
    result.forEach((r, ri) => {
      if (owner[ri] || !isObject(r)) return;
      if (typeof r['id'] === 'string' && regionOf.has(r['id']) && r['type'] !== 'labels') owner[ri] = regionOf.get(r['id'])!;
      else if (r['type'] === 'textarea' && asText(isObject(r['value']) ? r['value']['text'] : undefined) !== undefined) {
        owner[ri] = { region: typeof r['id'] === 'string' ? r['id'] : null, results: [], positions: [], whole: true };
      }
    });
    const stored: StoredResult[] = [];
    const seenOwners: Record<string, unknown>[] = [];
    for (const [ri, r] of result.entries()) {
      const o = owner[ri];
      if (!o) {
        stored.push({ result: r });
        continue;
      }
      if (!seenOwners.includes(o)) seenOwners.push(o);
      (o['results'] as unknown[]).push(r);
      (o['positions'] as number[]).push(ri);
    }
    // one critique per owner, in the order of its first result
    const idOf = new Map<Record<string, unknown>, string>();
    for (const o of seenOwners) {
      const region = o['region'] as string | null;
      let id = region ?? `p${pi}-r${(o['positions'] as number[])[0]}`;
      if (used.has(id)) id = `p${pi}-${id}`;
      for (let k = 2; used.has(id); k++) id = `p${pi}-${region ?? 'r'}-${k}`;
      used.add(id);
      idOf.set(o, id);
      const parts = o['results'] as Record<string, unknown>[];
      const positions = o['positions'] as number[];
      const labels = parts.find((p) => p['type'] === 'labels');
      const textarea = parts.find((p) => p['type'] === 'textarea');
      const critique: Record<string, unknown> = { id, text: '' };
      const partsOut = parts.map((p) => structuredClone(p));
      if (labels) {
        const value = labels['value'];
        const rpath = `${ppath}.result[${positions[parts.indexOf(labels)]}].value`;
        if (!isObject(value)) {
          ctx.error(where, rpath, 'a labels result needs a value with start, end and labels');
          ok = false;
          continue;
        }
        const span = checkSpan(output, index, value['start'], value['end'], value['text']);
        if (!span.ok) {
          ctx.error(where, rpath, span.message);
          ok = false;
          continue;
        }
        if (span.repaired) ctx.warn(where, `${rpath}: ${span.repaired}`);
        const v = partsOut[parts.indexOf(labels)]!['value'] as Record<string, unknown>;
        v['start'] = span.start;
        v['end'] = span.end;
        critique['anchor'] = { start: span.start, end: span.end };
        const names = Array.isArray(value['labels']) ? value['labels'].filter((x): x is string => typeof x === 'string') : [];
        if (names.length > 0) critique['category'] = names.join(', ');
        critique['text'] = names.join(', ');
      }
      const severity = parts.find((p) => p['type'] === 'choices' && p['from_name'] === 'severity' && isObject(p['value']) && Array.isArray(p['value']['choices']));
      const level = severity ? ((severity['value'] as { choices: unknown[] }).choices[0] as unknown) : undefined;
      if (level === 'minor' || level === 'major' || level === 'critical') critique['severity'] = level;
      const written = textarea && isObject(textarea['value']) ? asText(textarea['value']['text']) : undefined;
      if (written !== undefined) critique['text'] = written;
      const score = typeof labels?.['score'] === 'number' ? labels['score'] : pfields['score'];
      if (typeof score === 'number' && Number.isFinite(score)) critique['score'] = score;
      if (typeof pfields['model_version'] === 'string') critique['model'] = pfields['model_version'];
      critique['labelstudio'] = { prediction: pi, results: partsOut };
      critiques.push(critique);
    }
    const partIndex = new Map<Record<string, unknown>, number>();
    storedPredictions.push({
      fields: pfields,
      result: result.map((r, ri): StoredResult => {
        const o = owner[ri];
        if (!o) return { result: r };
        const k = partIndex.get(o) ?? 0;
        partIndex.set(o, k + 1);
        return { critique: idOf.get(o) ?? '', part: k };
      }),
    });
  }
  if (!ok) return null;
  const meta: LabelStudioMeta = {
    task: rest,
    keys: Object.keys(data),
    fields,
    data: dataRest,
    ...(predictions !== undefined ? { predictions: storedPredictions } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
  };
  const userMeta = isObject(task['meta']) ? task['meta'] : {};
  return { ...task, ...(critiques.length > 0 ? { critiques } : {}), meta: { ...userMeta, labelstudio: meta } };
}

/** `--from labelstudio`: a Label Studio JSON export (an array of tasks, or JSON Lines of tasks). */
export const labelStudioSource: TaskSource = {
  name: 'labelstudio',
  summary: "Label Studio's JSON export: data.text is the output, predictions' text spans the critiques (offsets checked against value.text), annotations kept",
  extensions: [],
  mapping: 'data-keys',
  columnNoun: 'data key',
  locate: (line, item) => `${line} (task ${item})`,
  read(ctx) {
    const mappings = labelStudioMappings(ctx.mappings);
    const splitter = new JsonItemSplitter((event) => {
      const where = `${event.line} (task ${event.item})`;
      if ('error' in event) {
        ctx.error(where, '(file)', event.error);
        return;
      }
      const parsed = parseForeignJson(event.text);
      if (!parsed.ok) {
        ctx.error(where, parsed.field, parsed.message);
        return;
      }
      const task = mapTask(ctx, parsed.value, where, event.item, mappings);
      if (task) ctx.emit(task, event.line, event.item);
    });
    readChunks(ctx.file, (chunk) => splitter.push(chunk));
    splitter.end();
    return Promise.resolve();
  },
};
