import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { findSource, importFromSource } from '../../../electron/backend/tasks/sources/index.js';
import { JsonItemSplitter, type JsonItemEvent } from '../../../electron/backend/tasks/sources/json-items.js';
import { LABEL_STUDIO_CONFIG } from '../../../electron/backend/exports/labelstudio.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { studyWithReviews, writeTemp } from './fixture.js';

/** Code-point offsets of `part` in `text` (Python's str.index), as Label Studio writes them. */
function cp(text: string, part: string): { start: number; end: number } {
  const i = text.indexOf(part);
  if (i < 0) throw new Error(`"${part}" not in text`);
  const start = Array.from(text.slice(0, i)).length;
  return { start, end: start + Array.from(part).length };
}

const T1 = 'Le 🎉 conseil: the council voted to close the bridge for a year. Repairs cost £2m.';
const T2 = '🌉🌉 The bridge 🚧 reopens in spring, say officials.';
const T3 = 'A task without predictions.';

/** A Label Studio JSON export written for these tests: spans after emoji, a per-region textarea, severity, a whole-text critique, other results, annotations. */
function lsExport(): Record<string, unknown>[] {
  const year = cp(T1, 'for a year');
  const spring16 = { start: T2.indexOf('in spring'), end: T2.indexOf('in spring') + 'in spring'.length }; // a JavaScript tool's UTF-16 offsets
  return [
    {
      id: 101,
      inner_id: 1,
      data: { text: T1, question: 'What did the council decide?', source_url: 'https://example.org/a' },
      meta: { batch: 2 },
      predictions: [
        {
          id: 7,
          model_version: 'critic-v3',
          score: 0.8,
          result: [
            { id: 's1', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Neutral'] } },
            { id: 'r1', from_name: 'critique', to_name: 'text', type: 'labels', value: { ...year, text: 'for a year', labels: ['Accuracy'] }, score: 0.91 },
            { id: 'r1', from_name: 'critique_text', to_name: 'text', type: 'textarea', value: { ...year, text: ['It closes for six months, not a year.'] } },
            { id: 'r1', from_name: 'severity', to_name: 'text', type: 'choices', value: { ...year, choices: ['major'] } },
            { id: 'w1', from_name: 'critique_text', to_name: 'text', type: 'textarea', value: { text: ['The summary omits who pays.'] } },
          ],
        },
      ],
      annotations: [{ id: 55, completed_by: 3, lead_time: 12.5, result: [{ id: 'x9', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Positive'] } }] }],
    },
    {
      id: 102,
      data: { text: T2 },
      predictions: [{ model_version: 'critic-js', result: [{ id: 'q1', from_name: 'critique', to_name: 'text', type: 'labels', value: { ...spring16, text: 'in spring', labels: ['Timing'] } }] }],
      annotations: [],
    },
    { id: 103, data: { text: T3 } },
  ];
}

/** The export with the repaired offsets: what Assay gives back. */
function repaired(tasks: Record<string, unknown>[]): Record<string, unknown>[] {
  const out = structuredClone(tasks);
  const r = (((out[1]!['predictions'] as Record<string, unknown>[])[0]!['result'] as Record<string, unknown>[])[0]!['value'] as Record<string, unknown>);
  Object.assign(r, cp(T2, 'in spring'));
  return out;
}

function taskLines(db: Parameters<typeof exportTasks>[0]): Record<string, unknown>[] {
  let text = '';
  exportTasks(db, (c) => (text += c));
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('assay import --from labelstudio', () => {
  it('makes tasks of data.text, critiques of the predictions’ spans (code points) with their per-region text, severity, score and model', async () => {
    const text = JSON.stringify(lsExport(), null, 2);
    const file = writeTemp('project.json', text);
    const line102 = text.slice(0, text.indexOf('"id": 102')).split('\n').length - 1; // the line of its opening brace
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('labelstudio'), map: 'context.query=question' });
    expect(report.errors).toEqual([]);
    expect(report.tasks).toBe(3);
    const [a, b, c] = taskLines(db);
    expect(a).toMatchObject({ id: 'project-101', kind: 'summary', output: T1, context: { query: 'What did the council decide?' } });
    expect(a!['critiques']).toMatchObject([
      { id: 'r1', text: 'It closes for six months, not a year.', anchor: cp(T1, 'for a year'), category: 'Accuracy', severity: 'major', score: 0.91, model: 'critic-v3' },
      { id: 'w1', text: 'The summary omits who pays.', score: 0.8, model: 'critic-v3' },
    ]);
    expect((a!['critiques'] as Record<string, unknown>[])[1]).not.toHaveProperty('anchor');
    expect(b!['critiques']).toMatchObject([{ id: 'q1', text: 'Timing', anchor: cp(T2, 'in spring'), category: 'Timing', model: 'critic-js' }]);
    expect(c).toMatchObject({ id: 'project-103', output: T3 });
    expect(c).not.toHaveProperty('critiques');
    // the UTF-16 offsets of task 102 were repaired, and the repair is reported where it happened
    expect(report.warnings).toEqual([
      `${file}:${line102} (task 2): predictions[0].result[0].value: offsets ${T2.indexOf('in spring')}–${T2.indexOf('in spring') + 9} count UTF-16 units (the text has characters outside the BMP, such as emoji, before them): repaired to code points ${cp(T2, 'in spring').start}–${cp(T2, 'in spring').end}`,
    ]);
  });

  it('repairs offsets that count UTF-8 bytes (a Python tool that indexed the encoded text) to code points, with a warning naming the result', async () => {
    const tasks = lsExport();
    const v = (((tasks[1]!['predictions'] as Record<string, unknown>[])[0]!['result'] as Record<string, unknown>[])[0]!['value'] as Record<string, unknown>);
    const bytes = Buffer.byteLength(T2.slice(0, T2.indexOf('in spring')), 'utf8'); // 🌉 and 🚧 are 4 bytes each
    v['start'] = bytes;
    v['end'] = bytes + 'in spring'.length;
    const file = writeTemp('bytes.json', JSON.stringify(tasks));
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('labelstudio') });
    expect(report.errors).toEqual([]);
    expect(taskLines(db)[1]!['critiques']).toMatchObject([{ id: 'q1', anchor: cp(T2, 'in spring') }]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/\(task 2\): predictions\[0\]\.result\[0\]\.value: offsets \d+–\d+ count UTF-8 bytes/);
    expect(report.warnings[0]).toContain(`repaired to code points ${cp(T2, 'in spring').start}–${cp(T2, 'in spring').end}`);
  });

  it('refuses a span whose value.text is not where its offsets say, naming the task and the result, and imports nothing', async () => {
    const tasks = lsExport();
    const v = (((tasks[0]!['predictions'] as Record<string, unknown>[])[0]!['result'] as Record<string, unknown>[])[1]!['value'] as Record<string, unknown>);
    v['start'] = (v['start'] as number) + 2; // (+3 would be UTF-8 bytes here, which are repaired)
    v['end'] = (v['end'] as number) + 2;
    const file = writeTemp('bad.json', JSON.stringify(tasks));
    const { db } = tempDb();
    const before = dumpDatabase(db);
    const report = await importFromSource(db, file, { source: findSource('labelstudio') });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatch(
      new RegExp(`^${file}:1 \\(task 1\\): predictions\\[0\\]\\.result\\[1\\]\\.value: the text at \\d+–\\d+ is ".*", not "for a year" as the span says \\(it occurs at code point ${cp(T1, 'for a year').start}\\); fix the offsets or the text$`),
    );
    expect(dumpDatabase(db)).toBe(before);
  });

  it('round trip: imported, put in a study, reviewed and exported again, gives back its data and predictions, with the reviews added as annotations', async () => {
    const original = lsExport();
    const file = writeTemp('project.json', JSON.stringify(original));
    const { db, path: dbPath } = tempDb();
    expect((await importFromSource(db, file, { source: findSource('labelstudio'), map: 'context.query=question' })).errors).toEqual([]);
    studyWithReviews(db, { name: 'ls', evaluators: ['ann'] }, (a) =>
      a.task === 'project-101'
        ? { decisions: [{ critique: 'r1', verdict: 'accept', edited_text: 'Six months, not a year.' }, { critique: 'w1', verdict: 'reject', reason: 'nitpick' }], rating: 3, added: [{ id: 'a1', description: 'Cost is wrong', anchor: { quote: '£2m' } }] }
        : a.task === 'project-102'
          ? { decisions: [{ critique: 'q1', verdict: 'accept' }], rating: 5 }
          : { skipped: 'not a summary' },
    );
    db.close();
    const out = writeTemp('again.json', '');
    const r = await captureCli(['export', 'labelstudio', '--study', 'ls', '--out', out, '--db', dbPath]);
    expect(r.code, r.err).toBe(0);
    const again = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>[];
    const expected = repaired(original);
    expect(again).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const { annotations, ...rest } = again[i]!;
      const { annotations: before, ...expectedRest } = expected[i]!;
      expect(rest).toEqual(expectedRest); // data, predictions and the task's other fields, unchanged
      expect((annotations as unknown[]).slice(0, ((before as unknown[] | undefined) ?? []).length)).toEqual(before ?? []);
      expect(annotations as unknown[]).toHaveLength(((before as unknown[] | undefined) ?? []).length + 1);
    }
    const added = (again[0]!['annotations'] as Record<string, unknown>[])[1]!;
    const results = added['result'] as Record<string, unknown>[];
    const year = cp(T1, 'for a year');
    expect(results).toEqual(
      expect.arrayContaining([
        { id: 'r1', from_name: 'verdict', to_name: 'text', type: 'choices', value: { ...year, choices: ['accept'] } },
        { id: 'r1', from_name: 'edited', to_name: 'text', type: 'textarea', value: { ...year, text: ['Six months, not a year.'] } },
        { id: 'w1', from_name: 'verdict', to_name: 'text', type: 'choices', value: { choices: ['reject'] } },
        { id: 'w1', from_name: 'reason', to_name: 'text', type: 'choices', value: { choices: ['nitpick'] } },
        { id: 'flaw-a1', from_name: 'flaw', to_name: 'text', type: 'labels', value: { ...cp(T1, '£2m'), text: '£2m', labels: ['Flaw'] } },
        { id: 'rating', from_name: 'rating', to_name: 'text', type: 'rating', value: { rating: 3 } },
        { id: 'evaluator', from_name: 'evaluator', to_name: 'text', type: 'textarea', value: { text: ['ann'] } },
      ]),
    );
    expect(added).toMatchObject({ was_cancelled: false, lead_time: 60 });
    expect((again[2]!['annotations'] as Record<string, unknown>[])[0]).toMatchObject({ was_cancelled: true });
    // every control the results name is in the labeling config Assay documents
    const names = new Set([...LABEL_STUDIO_CONFIG.matchAll(/ name="([^"]+)"/g)].map((m) => m[1]));
    for (const t of again) for (const a of t['annotations'] as { result: { from_name: string; to_name: string }[] }[]) {
      for (const res of a.result.filter((x) => x.from_name !== 'sentiment')) {
        expect(names).toContain(res.from_name);
        expect(names).toContain(res.to_name);
      }
    }
  });

  it('round trip the other way: tasks written for Assay, exported to Label Studio and imported again, keep their outputs, critique texts, spans, severities, scores and models', async () => {
    const output = 'Sé 🎉 the report was filed late and the mayor resigned.';
    const tasks = [
      {
        id: 'native-1',
        kind: 'summary',
        title: 'Report',
        output,
        context: { document: 'The report was filed on time.', query: 'Summarise.' },
        critiques: [
          { id: 'c1', text: 'It was filed on time.', anchor: { quote: 'filed late' }, severity: 'critical', category: 'accuracy', score: 0.7, model: 'critic-a' },
          { id: 'c2', text: 'No source for the resignation.', anchor: { start: 40, end: 54 }, model: 'critic-b' },
          { id: 'c3', text: 'Too short overall.' },
        ],
      },
    ];
    const { db, path: dbPath } = tempDb();
    importTasks(db, tasks);
    studyWithReviews(db, { name: 'n', evaluators: ['bo'] }, () => null);
    db.close();
    const out = writeTemp('ls.json', '');
    expect((await captureCli(['export', 'labelstudio', '--study', 'n', '--out', out, '--db', dbPath])).code).toBe(0);
    const { db: fresh } = tempDb();
    const report = await importFromSource(fresh, out, {
      source: findSource('labelstudio'),
      map: 'id=assay_task,title=title,context.document=document,context.query=query',
    });
    expect(report.errors).toEqual([]);
    const [back] = taskLines(fresh);
    expect(back).toMatchObject({ id: 'native-1', kind: 'summary', title: 'Report', output, context: { document: 'The report was filed on time.', query: 'Summarise.' } });
    const cs = back!['critiques'] as Record<string, unknown>[];
    expect(cs.map((c) => [c['id'], c['text'], c['anchor'], c['severity'], c['score'], c['model']])).toEqual([
      ['c1', 'It was filed on time.', cp(output, 'filed late'), 'critical', 0.7, 'critic-a'],
      ['c2', 'No source for the resignation.', { start: 40, end: 54 }, undefined, undefined, 'critic-b'],
      ['c3', 'Too short overall.', undefined, undefined, undefined, undefined],
    ]);
    expect(cs[0]!['category']).toBe('accuracy');
  });

  it('reads a Label Studio export as JSON Lines too, and names the task of a broken item', async () => {
    const lines = lsExport().map((t) => JSON.stringify(t));
    lines.splice(1, 0, '{"data": {"text": ["a"]}}', '{"nope": 1}');
    const file = writeTemp('tasks.jsonl', lines.join('\n'));
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('labelstudio') });
    expect(report.errors).toEqual([`${file}:2 (task 2): data.text: expected text, got a list (mapped to output)`, `${file}:3 (task 3): data: missing or not an object: a Label Studio task has its content in "data"`]);
  });
});

describe('JsonItemSplitter (a Label Studio export read one task at a time)', () => {
  function split(text: string, chunk: number): JsonItemEvent[] {
    const events: JsonItemEvent[] = [];
    const s = new JsonItemSplitter((e) => events.push(e), 1000);
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    s.end();
    return events;
  }

  it('splits an array into its items with their lines, whatever the chunk size, brackets and quotes inside strings included', () => {
    const items = [{ a: '] } , [ {', b: 'quote \\" and \\\\' }, { c: [1, { d: '🎉' }] }, 'text', 12];
    const text = `\ufeff[\n  ${JSON.stringify(items[0])},\n  ${JSON.stringify(items[1], null, 1)}\n, ${JSON.stringify(items[2])} ,${JSON.stringify(items[3])}\n]\n`;
    for (const chunk of [1, 2, 3, 7, 64, 10_000]) {
      const events = split(text, chunk);
      expect(events.map((e) => ('text' in e ? JSON.parse(e.text) : e.error))).toEqual(items);
      expect(events.map((e) => e.line)).toEqual([2, 3, 11, 11]);
    }
  });

  it('reports a missing "]", text after it, a missing comma and an over-long item', () => {
    expect(split('[{"a":1}', 3).at(-1)).toMatchObject({ error: 'the file ends before the closing "]" of its array' });
    expect(split('[{"a":1}] x', 3).at(-1)).toMatchObject({ error: 'text after the closing "]" of the array' });
    expect(split('[{"a":1} {"b":2}]', 3).at(-1)).toMatchObject({ error: 'expected "," or "]" between the items of the array' });
    expect(split(`[{"a":"${'x'.repeat(2000)}"}]`, 100)[0]).toMatchObject({ item: 1, error: 'item is longer than the limit of 1000 bytes' });
  });
});
