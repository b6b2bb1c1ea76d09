import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runPrompts } from '../../../electron/backend/critic/prompts.js';
import { runCritic } from '../../../electron/backend/critic/run.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { labelStudioTasks } from '../../../electron/backend/exports/labelstudio.js';
import { loadStudyExport } from '../../../electron/backend/exports/study-export.js';
import { trainingTable } from '../../../electron/backend/exports/training.js';
import { w3cAnnotations } from '../../../electron/backend/exports/w3c.js';
import { itemPin } from '../../../electron/backend/reviews/visibility.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { appendCritiquesToLine, exportTasks } from '../../../electron/backend/tasks/export.js';
import { runImport } from '../../../electron/backend/tasks/import.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { startCriticServer, type CriticServer } from '../../helpers/critic-server.js';
import { tempDb } from '../../helpers/db.js';

const servers: CriticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function exportText(db: Parameters<typeof exportTasks>[0]): string {
  let out = '';
  exportTasks(db, (c) => (out += c));
  return out;
}

describe('exporting generated critiques', () => {
  it('appendCritiquesToLine edits only where the list ends: every other byte is kept, and the JSON gains exactly the critiques', () => {
    const line = '{"id": "a", "kind":"summary","output":"x", "n": 12345678901234567890, "s":"\\u00e9 ]}" , "critiques" : [ {"id":"c1","text":"t"} ] }';
    const out = appendCritiquesToLine(line, ['{"id":"g1","text":"new"}']);
    expect(out).toBe('{"id": "a", "kind":"summary","output":"x", "n": 12345678901234567890, "s":"\\u00e9 ]}" , "critiques" : [ {"id":"c1","text":"t"} ,{"id":"g1","text":"new"}] }');
    expect(appendCritiquesToLine('{"id":"a","critiques":[]}', ['{"id":"g"}'])).toBe('{"id":"a","critiques":[{"id":"g"}]}');
    expect(appendCritiquesToLine('{"id":"a"}', ['{"id":"g"}', '{"id":"h"}'])).toBe('{"id":"a","critiques":[{"id":"g"},{"id":"h"}]}');
    expect(appendCritiquesToLine('{}', ['{"id":"g"}'])).toBe('{"critiques":[{"id":"g"}]}');
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== 'critiques' && k !== '__proto__'), fc.jsonValue()), fc.option(fc.array(fc.jsonValue(), { maxLength: 3 }), { nil: undefined }), fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }), fc.boolean(), (obj, critiques, added, spaced) => {
        const value = critiques === undefined ? obj : { ...obj, critiques };
        const source = JSON.stringify(value, null, spaced ? 1 : undefined).replace(/\n/g, spaced ? ' ' : '');
        const out = appendCritiquesToLine(source, added.map((a) => JSON.stringify(a)));
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify({ ...value, critiques: [...(critiques ?? []), ...added] })));
      }),
      { numRuns: 500 },
    );
  });

  it('a task no critic changed exports byte for byte as imported; a changed one gains its critiques with provenance; importing the export changes nothing', async () => {
    const { db } = tempDb();
    loadDemo(db);
    const before = exportText(db);
    const s = await startCriticServer();
    servers.push(s);
    await runCritic(db, {
      critic: { name: 'emu', model: 'm', baseUrl: s.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0, seed: 0, max_tokens: 100 }, key: { kind: 'none' } },
      apiKey: null,
      samples: 1,
      concurrency: 2,
      tasks: { kind: 'ids', ids: ['demo-footbridge'] },
      maxRequests: null,
      dryRun: false,
      replace: false,
    });
    const after = exportText(db);
    const [b, a] = [before.split('\n'), after.split('\n')];
    expect(a.length).toBe(b.length);
    const changed = a.map((line, i) => (line === b[i] ? null : i)).filter((i) => i !== null);
    expect(changed).toHaveLength(1);
    const task = JSON.parse(a[changed[0]!]!) as { id: string; critiques: Record<string, unknown>[] };
    expect(task.id).toBe('demo-footbridge');
    const generated = task.critiques.filter((c) => c['critic']);
    expect(generated.length).toBeGreaterThan(0);
    expect(canonicalJson({ ...task, critiques: task.critiques.filter((c) => !c['critic']) })).toBe(canonicalJson(JSON.parse(b[changed[0]!]!)));
    // the export, imported again here: unchanged; into a new database: the critic's critiques stay selectable by critic
    const report = runImport(db, 'again.jsonl', {}, (session) => session.push(Buffer.from(after)));
    expect(report).toMatchObject({ errorCount: 0, unchanged: 4, tasks: 0 });
    const other = tempDb().db;
    expect(runImport(other, 'export.jsonl', {}, (session) => session.push(Buffer.from(after)))).toMatchObject({ errorCount: 0, tasks: 4 });
    expect(exportText(other)).toBe(after);
    createStudy(other, { name: 'p', conditions: [{ name: 'c', policy: 'critic=emu+anchored' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['demo-footbridge'] });
    const item = other.prepare(`SELECT id, evaluator_id, task_id, study, condition, label, policy FROM queue_items WHERE study = 'p'`).get() as Parameters<typeof itemPin>[1];
    const shownIds = itemPin(other, item).critiques.map((c) => c.id);
    expect(shownIds.length).toBeGreaterThan(0);
    expect(shownIds.every((id) => id.startsWith('emu.s0.'))).toBe(true);
    expect(shownIds).toEqual(generated.filter((c) => c['unverified_quote'] === undefined && c['unverified_lines'] === undefined).map((c) => c['id']));
  });
});

describe('study exports (Label Studio, Prodigy, W3C, training) of a study whose tasks have generated critiques', () => {
  it('carry the generated critiques with their provenance, as the task export writes them', async () => {
    const { db } = tempDb();
    loadDemo(db);
    const s = await startCriticServer();
    servers.push(s);
    const tasks = ['demo-footbridge', 'demo-bakery'];
    await runCritic(db, {
      critic: { name: 'emu', model: 'm', baseUrl: s.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0, seed: 0, max_tokens: 100 }, key: { kind: 'none' } },
      apiKey: null,
      samples: 1,
      concurrency: 2,
      tasks: { kind: 'ids', ids: tasks },
      maxRequests: null,
      dryRun: false,
      replace: false,
    });
    createStudy(db, { name: 'crit', conditions: [{ name: 'c', policy: 'critic=emu' }, { name: 'all', policy: 'all' }], evaluators: [{ id: 'ann' }, { id: 'bob' }], overlap: 2, seed: 1, tasks, reviewHere: true });
    const study = loadStudyExport(db, 'crit');
    const generated = study.tasks.flatMap((t) => t.critiques.filter((c) => c.id.startsWith('emu.')).map((c) => ({ task: t.id, ...c })));
    expect(new Set(generated.map((c) => c.task))).toEqual(new Set(tasks));
    // the same object the task export appends to the line: provenance included
    const exported = new Map(
      exportText(db)
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string; critiques?: Record<string, unknown>[] })
        .map((t) => [t.id, t.critiques ?? []]),
    );
    for (const c of generated) {
      expect(c.source).toEqual(exported.get(c.task)!.find((e) => e['id'] === c.id));
      expect(c.source['critic']).toMatchObject({ name: 'emu', sample: 0 });
    }
    expect(JSON.stringify(labelStudioTasks(study))).toContain(JSON.stringify(generated[0]!.text).slice(1, -1));
    expect(JSON.stringify(w3cAnnotations(study))).toContain('crit');
    expect(() => trainingTable(study, 'critique-labels')).not.toThrow();
  });
});

describe('provenance of imported critic critiques', () => {
  it('a critique imported with a critic object shows its provenance from the task line', async () => {
    const { taskCritiqueProvenance } = await import('../../../electron/backend/critic/repository.js');
    const { db } = tempDb();
    runImport(db, 'x.jsonl', {}, (s) =>
      s.push(
        Buffer.from(
          `${JSON.stringify({ id: 't', kind: 'summary', output: 'abc def', critiques: [{ id: 'g.s1.c1', text: 'x', score: 0.5, model: 'm', critic: { name: 'g', sample: 1, seed: 9 }, unverified_quote: 'zzz' }, { id: 'plain', text: 'y' }] })}\n`,
        ),
      ),
    );
    expect(taskCritiqueProvenance(db, 't')).toEqual([
      expect.objectContaining({ id: 'g.s1.c1', critic: 'g', sample: 1, generated: false, hallucinated: true, details: { critic: { name: 'g', sample: 1, seed: 9 }, unverified_quote: 'zzz' } }),
    ]);
  });
});
