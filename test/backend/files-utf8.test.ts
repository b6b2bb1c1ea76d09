import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUtf8File } from '../../electron/backend/files.js';
import { captureCli } from '../helpers/cli.js';
import { tempDbPath, tempDir } from '../helpers/temp.js';

// A pack or results file saved by an editor in Latin-1: "café" with é as the single byte 0xE9.
const latin1 = Buffer.concat([Buffer.from('{"format":"assay-results",\n"note":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);

describe('files that are not UTF-8', () => {
  it('are refused with the file, the line and the byte, never decoded with replacement characters', () => {
    const file = path.join(tempDir(), 'ann.assay-results.json');
    fs.writeFileSync(file, latin1);
    expect(() => readUtf8File(file, 'ann.assay-results.json')).toThrow('ann.assay-results.json:2: (line): not valid UTF-8 (byte 39 of the file)');
    // the same text with the byte-order mark some editors write is read, without the mark
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"café"}')]));
    expect(readUtf8File(file)).toBe('{"a":"café"}');
  });

  it.each([
    ['results import', (f: string, db: string) => ['results', 'import', f, '--db', db]],
    ['pack import', (f: string, db: string) => ['pack', 'import', f, '--db', db]],
  ])('assay %s refuses one with a one-line error naming the file and line, exit 1', async (_name, argv) => {
    const file = path.join(tempDir(), 'latin1.json');
    fs.writeFileSync(file, latin1);
    const db = tempDbPath();
    const r = await captureCli(argv(file, db));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/latin1\.json:2: \(line\): not valid UTF-8/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toContain('\uFFFD');
  });
});
