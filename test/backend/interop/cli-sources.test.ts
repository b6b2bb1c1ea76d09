import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { captureCli } from '../../helpers/cli.js';
import { writeParquetWithDuckDb } from '../../helpers/duckdb.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

// Every `--from` source through the real command line, as other tools and scripts call it: the
// source by its flag or by the file's extension, --map, --dry-run writing nothing. (The sources'
// rules are tested in detail on importFromSource, the function the command calls.)

const doc = 'The council voted on Tuesday to close the bridge for a year.';
const out = 'The bridge closes for a year 🎉.';

function write(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

function tasks(dbPath: string): { id: string; output: string; critiques: number }[] {
  const db = openDatabase(dbPath);
  try {
    const rows = db.prepare('SELECT id, output, (SELECT count(*) FROM critiques c WHERE c.task_id = t.id) AS critiques FROM tasks t ORDER BY id').all();
    return rows as { id: string; output: string; critiques: number }[];
  } finally {
    db.close();
  }
}

const cases: { name: string; file: () => Promise<string>; args: string[]; expected: { id: string; output: string; critiques: number }[] }[] = [
  {
    name: 'jsonl with --map (by extension)',
    file: async () => write('rows.jsonl', `${JSON.stringify({ uid: 'r1', summary: out, article: doc })}\n`),
    args: ['--map', 'id=uid,output=summary,context.document=article'],
    expected: [{ id: 'r1', output: out, critiques: 0 }],
  },
  {
    name: '--from jsonl for a file named otherwise',
    file: async () => write('rows.txt', `${JSON.stringify({ uid: 'r2', summary: out })}\n`),
    args: ['--from', 'jsonl', '--map', 'id=uid,output=summary'],
    expected: [{ id: 'r2', output: out, critiques: 0 }],
  },
  {
    name: 'csv with --map',
    file: async () => write('rows.csv', `uid,summary,article\nc1,"${out}","${doc}"\n`),
    args: ['--map', 'id=uid,output=summary,context.document=article'],
    expected: [{ id: 'c1', output: out, critiques: 0 }],
  },
  {
    name: 'parquet with --map',
    file: async () => writeParquetWithDuckDb([{ uid: 'p1', summary: out, article: doc }], { select: 'uid, summary, article' }),
    args: ['--map', 'id=uid,output=summary,context.document=article'],
    expected: [{ id: 'p1', output: out, critiques: 0 }],
  },
  {
    name: '--from labelstudio',
    file: async () =>
      write(
        'project.json',
        JSON.stringify([
          {
            id: 7,
            data: { text: out },
            predictions: [{ model_version: 'm', result: [{ id: 'r', from_name: 'label', to_name: 'text', type: 'labels', value: { start: 18, end: 28, text: 'for a year', labels: ['Accuracy'] } }] }],
          },
        ]),
      ),
    args: ['--from', 'labelstudio'],
    expected: [{ id: 'project-7', output: out, critiques: 1 }],
  },
  {
    name: '--from prodigy',
    file: async () => write('answers.jsonl', `${JSON.stringify({ text: out, spans: [{ start: 18, end: 28, label: 'ACCURACY' }], _input_hash: 42, answer: 'accept' })}\n`),
    args: ['--from', 'prodigy'],
    expected: [{ id: 'prodigy-42', output: out, critiques: 1 }],
  },
];

describe('assay import --from SOURCE on the command line', () => {
  for (const c of cases) {
    it(`${c.name}: imports, and --dry-run first writes nothing`, async () => {
      const file = await c.file();
      const dbPath = tempDbPath();
      const dry = await captureCli(['import', file, ...c.args, '--dry-run', '--db', dbPath]);
      expect(dry.code, dry.err).toBe(0);
      expect(tasks(dbPath)).toEqual([]);
      const r = await captureCli(['import', file, ...c.args, '--db', dbPath]);
      expect(r.code, r.err).toBe(0);
      expect(tasks(dbPath)).toEqual(c.expected);
    });
  }

  it('an unknown --from names the sources there are; a bad file exits 1 naming it, and nothing is stored', async () => {
    const dbPath = tempDbPath();
    const unknown = await captureCli(['import', write('x.jsonl', '{}\n'), '--from', 'excel', '--db', dbPath]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/jsonl.*csv.*parquet.*labelstudio.*prodigy|labelstudio.*prodigy/s);
    const bad = await captureCli(['import', write('bad.json', '[{"id": 1, "data": {}}]'), '--from', 'labelstudio', '--db', dbPath]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.json');
    expect(tasks(dbPath)).toEqual([]);
  });
});
