// Lone surrogates ("\ud83c": half of a UTF-16 pair, legal in JSON text, not Unicode text) are
// refused on every path that parses JSON from a file or the API, naming the place; nothing is
// stored. A whole pair ("\ud83c\udf89" = 🎉) is ordinary text.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { exportPack, parsePack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { importFile, importTasks } from '../../../electron/backend/tasks/import.js';
import { findLoneSurrogate } from '../../../shared/unicode.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDir } from '../../helpers/temp.js';

const lone = '\\ud83c'; // as JSON text spells it
const pair = '\\ud83c\\udf89';

describe('lone surrogates', () => {
  it('in a task package: refused as FILE:LINE: field, whole pairs accepted, anchors unchanged', () => {
    const { db } = tempDb();
    const file = path.join(tempDir(), 'tasks.jsonl');
    fs.writeFileSync(
      file,
      [
        `{"id":"ok","kind":"summary","output":"Party ${pair} time","critiques":[{"id":"c1","text":"ok","anchor":{"start":6,"end":10}}]}`,
        `{"id":"bad","kind":"summary","output":"Party time","critiques":[{"id":"c1","text":"cut ${lone} here"}]}`,
        `{"id":"key","kind":"summary","output":"x","meta":{"k${lone}":1}}`,
      ].join('\n'),
    );
    const before = dumpDatabase(db);
    const report = importFile(db, file, { label: 'tasks.jsonl' });
    expect(report.errors).toEqual([
      'tasks.jsonl:2: critiques[0].text: contains a lone surrogate \\ud83c at character 5: not valid Unicode text (a surrogate pair was cut in half?)',
      'tasks.jsonl:3: meta.k\ud83c: contains a lone surrogate \\ud83c in a key at character 2: not valid Unicode text (a surrogate pair was cut in half?)',
    ]);
    expect(dumpDatabase(db)).toBe(before);
    fs.writeFileSync(file, `{"id":"ok","kind":"summary","output":"Party ${pair} time","critiques":[{"id":"c1","text":"ok","anchor":{"start":6,"end":10}}]}\n`);
    expect(importFile(db, file).errorCount).toBe(0);
    expect(db.prepare(`SELECT resolved_json FROM critiques WHERE task_id = 'ok'`).get()).toEqual({ resolved_json: expect.stringContaining('"start16":6,"end16":11') });
  });

  it('in results files, review records and packs: refused with the file (and line) and the field', () => {
    const { db } = tempDb();
    importTasks(db, [{ id: 't1', kind: 'summary', output: 'Output.' }]);
    createStudy(db, { name: 'pilot', conditions: [{ name: 'alone', policy: 'none' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 });
    const record = (description: string): string =>
      `{"task":"t1","evaluator":"ann","study":"pilot","condition":"alone","started_at":"2026-01-01T09:00:00Z","submitted_at":"2026-01-01T09:01:00Z","active_seconds":30,"rating":3,"skipped":null,"decisions":[],"added":[{"id":"x1","description":"${description}"}]}`;
    const [r] = importResults(db, [{ fileName: 'x.jsonl', content: `${record('fine')}\n${record(`half ${lone}`)}` }]);
    expect(r!.error).toBe('x.jsonl:2: added.0.description: contains a lone surrogate \\ud83c at character 6: not valid Unicode text (a surrogate pair was cut in half?)');
    const results = `{"format":"assay-results","version":2,"requires":[],"evaluator":"ann ${lone}"}`;
    expect(importResults(db, [{ fileName: 'r.json', content: results }])[0]!.error).toBe(
      'r.json: evaluator: contains a lone surrogate \\ud83c at character 5: not valid Unicode text (a surrogate pair was cut in half?)',
    );
    const pack = exportPack(db, 'pilot', 'ann').content.replace('"Output."', `"Out${lone}put."`);
    expect(() => parsePack(pack, 'p.json')).toThrow('p.json: items.0.task.output: contains a lone surrogate \\ud83c at character 4');
    expect(db.prepare('SELECT count(*) AS n FROM reviews').get()).toEqual({ n: 0 });
  });

  it('in any contract input (HTTP or IPC): refused before the handler runs', async () => {
    const { db, path: dbPath } = tempDb();
    const handlers = createHandlers({ db, dbPath, host: 'browser' });
    const created = await dispatch(handlers, 'evaluators:create', JSON.parse(`{"displayName":"Ana ${lone}"}`));
    expect(created).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'evaluators:create: invalid input: displayName: contains a lone surrogate \\ud83c at character 5: not valid Unicode text (a surrogate pair was cut in half?)' },
    });
    const flaw = await dispatch(handlers, 'review:record', {
      evaluator: 'ana',
      review: 1,
      expectedSeq: 0,
      clientEventId: 'x-xxxxxxxx',
      clientTime: Date.now(),
      event: { type: 'flaw-added', flaw: { id: 'a1', description: 'lone \udc00 low' } },
    });
    expect(flaw).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('review:record: invalid input: event.flaw.description: contains a lone surrogate \\udc00') } });
    expect(db.prepare('SELECT count(*) AS n FROM evaluators').get()).toEqual({ n: 0 });
  });

  it('in the id list of assay study create --tasks', async () => {
    const dir = tempDir();
    const ids = path.join(dir, 'ids.jsonl');
    fs.writeFileSync(ids, `{"id":"t${lone}"}\n`);
    const r = await captureCli(['study', 'create', '--name', 's', '--conditions', 'a:none', '--evaluators', 'ann', '--overlap', '1', '--seed', '1', '--tasks', ids, '--db', path.join(dir, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${ids}:1: id: contains a lone surrogate \\ud83c`);
  });

  it('the finder agrees with the definition on any string (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('\ud800', '\udfff', '\ud83c\udf89', '\udc00\ud800')), { maxLength: 6 }), (parts) => {
        const s = parts.join('');
        // String.prototype.isWellFormed (ES2024, in Node 20) is the definition
        expect(findLoneSurrogate({ s }) !== null).toBe(!(s as unknown as { isWellFormed(): boolean }).isWellFormed());
      }),
    );
  });
});
