// Every file that comes in from outside is checked for nesting before it is parsed: packs, results
// files, review-record JSONL and task packages, through the API (browser mode and desktop alike).
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { tempDb } from '../helpers/db.js';

const depth = 200_000;
const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestingError = /JSON nested deeper than 64 levels \(at character \d+\)/;

function handlers() {
  const { db, path } = tempDb();
  return createHandlers({ db, dbPath: path, host: 'browser' });
}

describe('deeply nested JSON inside files is refused before it is parsed', () => {
  it('a pack', async () => {
    const r = await dispatch(handlers(), 'packs:import', { fileName: 'deep.assay-pack.json', content: `{"format":"assay-pack","x":${nested}}` });
    expect(r).toEqual({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/^deep\.assay-pack\.json: not a pack \(not JSON: JSON nested deeper than 64 levels \(at character 91\)\)$/) } });
  });

  it('a results file, and review-record JSON Lines', async () => {
    const r = await dispatch(handlers(), 'results:import', {
      files: [
        { fileName: 'deep-results.json', content: `{"format":"assay-results","reviews":${nested}}` },
        { fileName: 'records.jsonl', content: `\n{"task":${nested}}\n` },
      ],
    });
    expect(r.ok).toBe(true);
    const reports = (r as { value: { file: string; status: string; error: string }[] }).value;
    expect(reports.map((x) => x.status)).toEqual(['refused', 'refused']);
    expect(reports[0]!.error).toMatch(nestingError);
    expect(reports[1]!.error).toMatch(/^records\.jsonl:2: not JSON \(JSON nested deeper than 64 levels/);
  });

  it('a task package uploaded through the API, also where nesting hides in fields that are kept as they are (meta)', async () => {
    const h = handlers();
    const lines = [
      JSON.stringify({ id: 'ok', kind: 'summary', output: 'fine' }),
      `{"id":"deep","kind":"summary","output":"x","meta":{"a":${nested}}}`,
    ];
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const begun = (await dispatch(h, 'tasks:importBegin', { name: 'deep.jsonl', size: bytes.length })) as { ok: true; value: { uploadId: string } };
    const { uploadId } = begun.value;
    for (let offset = 0; offset < bytes.length; offset += 1024 * 1024) {
      const chunk = await dispatch(h, 'tasks:importChunk', { uploadId, offset, data: bytes.subarray(offset, offset + 1024 * 1024).toString('base64') });
      expect(chunk.ok).toBe(true);
    }
    const r = await dispatch(h, 'tasks:importFinish', { uploadId });
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'rejected', tasks: 1, errorCount: 1, errors: ['deep.jsonl:2: (json): not valid JSON: JSON nested deeper than 64 levels (at character 118)'] },
    });
    expect(await dispatch(h, 'tasks:list', {})).toMatchObject({ ok: true, value: { total: 0 } });
  });
});
