import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { importFile, importTasks } from '../../../electron/backend/tasks/import.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';

const snapshot = (db: WritableDb): unknown => [
  db.prepare('SELECT id, seq, content_hash FROM tasks ORDER BY seq').all(),
  db.prepare('SELECT task_id, id FROM critiques ORDER BY task_id, id').all(),
  db.prepare('SELECT task_id, id FROM flaws ORDER BY task_id, id').all(),
];

/** A valid task whose id depends on `n`. */
const validTask = (n: number) => ({
  id: `p${n}`,
  kind: 'summary',
  output: `Output ${n}: the quick brown fox 🦊 jumps.`,
  critiques: [{ id: 'c1', text: 'fox', anchor: { quote: 'fox 🦊' } }],
  flaws: [{ id: 'f1', description: 'd', anchor: { start: 0, end: 6 }, critiques: ['c1'] }],
});

/** Ways to break one line of a package; each must be caught and reported on that line. */
const breakage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom('id', 'kind', 'output') }),
  fc.record({ kind: fc.constant('retype' as const), field: fc.constantFrom('id', 'kind', 'output', 'critiques', 'flaws', 'meta'), value: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })) }),
  fc.record({ kind: fc.constant('anchor' as const), anchor: fc.oneof(fc.record({ start: fc.integer({ min: -5, max: 200 }), end: fc.integer({ min: 60, max: 400 }) }), fc.record({ quote: fc.string({ minLength: 1, maxLength: 6 }).map((s) => `${s}\u0000`) }), fc.record({ lines: fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 })) }), fc.jsonValue()) }),
  fc.record({ kind: fc.constant('flaw-ref' as const), id: fc.string({ minLength: 1, maxLength: 5 }).filter((s) => s !== 'c1') }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => Buffer.concat([Buffer.from([0xff]), Buffer.from(a.filter((b) => b !== 0x0a))])) }),
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)) }),
);

type Breakage = typeof breakage extends fc.Arbitrary<infer T> ? T : never;

function broken(n: number, how: Breakage): Buffer {
  const task: Record<string, unknown> = validTask(n);
  switch (how.kind) {
    case 'truncate': {
      const text = JSON.stringify(task);
      return Buffer.from(text.slice(0, 1 + (how.at % (text.length - 2))), 'utf8'); // never empty: a blank line is allowed
    }
    case 'drop':
      delete task[how.field];
      break;
    case 'retype':
      task[how.field] = how.value;
      break;
    case 'anchor':
      task['critiques'] = [{ id: 'c1', text: 'x', anchor: how.anchor }];
      break;
    case 'flaw-ref':
      task['flaws'] = [{ id: 'f1', description: 'd', critiques: [how.id] }];
      break;
    case 'bytes':
      return how.bytes;
    case 'json':
      return Buffer.from(JSON.stringify(how.value), 'utf8');
  }
  return Buffer.from(JSON.stringify(task), 'utf8');
}

describe('import of malformed packages (property)', () => {
  it('rejects any package with a broken line, names that line, and writes nothing', () => {
    const { db } = tempDb();
    importTasks(db, [validTask(1000)]);
    const before = snapshot(db);
    const dir = tempDir();
    let run = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), breakage, (good, badAt, how) => {
        const lines: Buffer[] = Array.from({ length: good }, (_, i) => Buffer.from(JSON.stringify(validTask(i)), 'utf8'));
        const at = Math.min(badAt, lines.length);
        lines.splice(at, 0, broken(99, how));
        const file = path.join(dir, `p${run++}.jsonl`);
        fs.writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
        const report = importFile(db, file, { label: 'p.jsonl' });
        // Some breakages can leave a valid task (e.g. a lines anchor that fits); then the import is whole.
        if (report.errorCount === 0) {
          db.prepare("DELETE FROM tasks WHERE id != 'p1000'").run();
          expect(report.tasks + report.unchanged).toBe(good + 1);
          return;
        }
        expect(report.errors.every((e) => /^p\.jsonl:\d+: \S.*: .+/.test(e))).toBe(true);
        expect(report.errors.some((e) => e.startsWith(`p.jsonl:${at + 1}: `)), report.errors.join('\n')).toBe(true);
        expect(snapshot(db)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, and either imports whole or writes nothing', () => {
    const { db } = tempDb();
    const dir = tempDir();
    let run = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const file = path.join(dir, `b${run++}.jsonl`);
        fs.writeFileSync(file, bytes);
        const before = snapshot(db);
        const report = importFile(db, file, { label: 'b.jsonl' });
        if (report.errorCount > 0) expect(snapshot(db)).toEqual(before);
        expect(report.errors.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 300 },
    );
  });
});
