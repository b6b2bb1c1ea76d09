// Every CLI command prints for people by default and for scripts with --json (issue #12); progress
// bars go to stderr, only when stderr is a terminal and never with --json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/backend/cli/commands/index.js';
import { runCli } from '../../../electron/backend/cli/main.js';
import { formatBytes, plural, progressLine, table } from '../../../electron/backend/cli/output.js';
import { tempDir } from '../../helpers/temp.js';

async function cli(argv: readonly string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stderrIsTTY: tty });
  return { code, out, err };
}

const task = (id: string, title?: string) => ({ id, kind: 'summary', ...(title ? { title } : {}), output: `Output of ${id}.`, critiques: [{ id: 'c1', text: 'A critique.' }], flaws: [{ id: 'f1', description: 'd', critiques: ['c1'] }] });

function tasksFile(dir: string, n: number, name = 'tasks.jsonl'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => `${JSON.stringify(task(`t${i + 1}`, i === 0 ? 'Evil\ntitle\twith tabs' : undefined))}\n`).join(''));
  return file;
}

/** Text for people: sentences and tables, never a JSON document. */
function expectHuman(out: string): void {
  expect(out.trim().length).toBeGreaterThan(0);
  expect(() => JSON.parse(out)).toThrow();
  expect(out).not.toMatch(/^[{[]/m);
}

/** One JSON document (or JSON Lines), nothing else on stdout. */
function parseJson(out: string): unknown[] {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describe('CLI output: for people by default, --json for scripts', () => {
  it('every command that reports a result takes --json (serve prints a URL; the exports without --out write data)', () => {
    const without = commands.filter((c) => !('json' in c.options)).map((c) => c.words.join(' '));
    expect(without).toEqual(['serve']);
    for (const c of commands.filter((x) => 'json' in x.options)) expect(c.usage, c.words.join(' ')).toContain('--json');
  });

  it('the researcher’s and the evaluator’s day, command by command, in both modes', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'r.db');
    const edb = path.join(dir, 'e.db');
    const file = tasksFile(dir, 6);

    const imported = await cli(['import', file, '--db', db]);
    expect(imported.out).toBe(`${file}: imported 6 tasks (6 critiques, 6 flaws)\n`);
    expect(parseJson((await cli(['import', file, '--json', '--db', db])).out)).toEqual([expect.objectContaining({ tasks: 0, unchanged: 6 })]);

    const demo = await cli(['demo', '--db', db]);
    expect(demo.out).toMatch(/^Loaded the demo: 4 tasks \(13 critiques, 8 flaws\) into .*r\.db\.\nNext: assay serve --db /);
    expect(parseJson((await cli(['demo', '--json', '--db', db])).out)).toEqual([{ tasks: 0, critiques: 0, flaws: 0, unchanged: 4 }]);
    expect((await cli(['demo', '--db', db])).out).toMatch(/^The demo tasks are already in .* \(4 tasks unchanged\)\.\n$/);

    const ids = path.join(dir, 'ids.txt');
    fs.writeFileSync(ids, '# the pilot\nt1\nt2\n\nt3\n');
    const created = await cli(['study', 'create', '--name', 'pilot', '--conditions', 'u:none,a:all', '--evaluators', 'ann=Ann Lee,bob', '--overlap', '2', '--seed', '4', '--tasks', ids, '--db', db]);
    expect(created.out).toContain('Created study "pilot": 3 tasks × overlap 2 = 6 assignments over 2 evaluators; conditions u (none), a (all); seed 4.');
    expectHuman(created.out);

    // study show lists who reviews what, per evaluator in queue order
    const shown = await cli(['study', 'show', 'pilot', '--db', db]);
    expectHuman(shown.out);
    expect(shown.out).toMatch(/^Study pilot — open · seed 4 · overlap 2 · created /);
    expect(shown.out).toMatch(/^Evaluator +Name +All +u +a$/m);
    expect(shown.out).toMatch(/^ann +Ann Lee +0\/3 +\d\/\d +\d\/\d$/m);
    expect(shown.out).toContain('Assignment of ann (Ann Lee): 3 items in queue order');
    expect(shown.out).toMatch(/^# +Task +Title +Condition +Shown as +Status$/m);
    expect(shown.out).toMatch(/^1 +t\d +(Evil title with tabs +)?[ua] +Set [AB] +not started$/m); // a title's line breaks and tabs cannot break the table
    const json = parseJson((await cli(['study', 'show', 'pilot', '--json', '--db', db])).out)[0] as { assignments: { evaluator: string }[] };
    expect(json.assignments).toHaveLength(6);
    const one = await cli(['study', 'show', 'pilot', '--evaluator', 'bob', '--db', db]);
    expect(one.out).toContain('Assignment of bob:');
    expect(one.out).not.toContain('Assignment of ann');
    expect((parseJson((await cli(['study', 'show', 'pilot', '--evaluator', 'bob', '--json', '--db', db])).out)[0] as { assignments: unknown[] }).assignments).toHaveLength(3);
    expect(await cli(['study', 'show', 'pilot', '--evaluator', 'zed', '--db', db])).toMatchObject({ code: 1, err: expect.stringContaining('"zed" is not an evaluator of study "pilot"') });

    const list = await cli(['study', 'list', '--db', db]);
    expect(list.out).toMatch(/^Study +State +Done +Tasks +Evaluators +Overlap +Seed +Conditions\npilot +open +0\/6 +3 +2 +2 +4 +u:none,a:all\n$/);
    expect(parseJson((await cli(['study', 'list', '--json', '--db', db])).out)[0]).toEqual([expect.objectContaining({ name: 'pilot', archived: false })]);

    const packFile = path.join(dir, 'ann.pack.json');
    const packed = await cli(['pack', 'export', '--study', 'pilot', '--evaluator', 'ann', '--out', packFile, '--db', db]);
    expect(packed.out).toBe(`Wrote ${packFile}: 3 items for ann in study pilot.\n`);
    expect(packed.err).toMatch(/^Give each evaluator their pack; they open it with "assay pack import FILE"/);
    const packDir = path.join(dir, 'packs');
    const all = parseJson((await cli(['pack', 'export', '--study', 'pilot', '--all', '--out', packDir, '--json', '--db', db])).out);
    expect(all).toEqual([expect.objectContaining({ evaluator: 'ann', items: 3 }), expect.objectContaining({ evaluator: 'bob', items: 3 })]); // JSON Lines: one per pack

    const opened = await cli(['pack', 'import', packFile, '--db', edb]);
    expect(opened.out).toMatch(/^Opened the pack: 3 items for ann in study pilot\.\nNext: review them/);
    expect(parseJson((await cli(['pack', 'import', packFile, '--json', '--db', edb])).out)).toEqual([expect.objectContaining({ evaluator: 'ann', unchanged: true })]);

    const results = path.join(dir, 'ann-results.json');
    const exported = await cli(['results', 'export', '--out', results, '--db', edb]);
    expect(exported.out).toBe(`Wrote 0 finished reviews of ann (study pilot) to ${results}.\nSend this file to your researcher; exporting again later adds the reviews finished since.\n`);
    expect(parseJson((await cli(['results', 'export', '--out', results, '--json', '--db', edb])).out)).toEqual([{ pack: expect.any(String), study: 'pilot', evaluator: 'ann', reviews: 0, out: results }]);
    const merged = await cli(['results', 'import', results, '--db', db]);
    expect(merged.out).toBe('ann-results.json: merged 0 new reviews of ann into study pilot; proof of origin: signed by the pack\n');
    expect(parseJson((await cli(['results', 'import', results, '--json', '--db', db])).out)[0]).toEqual([expect.objectContaining({ file: 'ann-results.json', status: 'merged' })]);
    fs.writeFileSync(results, fs.readFileSync(results, 'utf8').replace('"reviews":[]', '"reviews":[],"x":1'));
    const refused = await cli(['results', 'import', results, '--db', db]);
    expect(refused).toMatchObject({ code: 1, out: 'Nothing merged.\n', err: expect.stringMatching(/^refused: ann-results\.json: /) });

    const backup = path.join(dir, 'copy.db');
    const backedUp = await cli(['backup', '--out', backup, '--db', db]);
    expect(backedUp.out).toMatch(new RegExp(`^Backed up .*r\\.db to ${backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\.\\d (KB|MB)\\)\\.\\n$`));
    expect(parseJson((await cli(['backup', '--out', backup, '--json', '--db', db])).out)).toEqual([{ backup, bytes: expect.any(Number) }]);

    const out = path.join(dir, 'export.jsonl');
    expect((await cli(['export', 'tasks', '--out', out, '--db', db])).out).toBe(`Wrote 10 tasks to ${out} (jsonl), each line exactly as imported.\n`);
    expect((await cli(['export', 'reviews', '--out', out, '--db', db])).out).toBe(`Wrote 0 review records to ${out} (jsonl).\n`);
    expect(parseJson((await cli(['export', 'reviews', '--out', out, '--json', '--db', db])).out)).toEqual([{ reviews: 0, out, format: 'jsonl' }]);
    expect((await cli(['export', 'decisions', '--study', 'pilot', '--out', out, '--db', db])).out).toBe(`Wrote 0 rows of decisions to ${out} (csv).\n`);
    // without --out, the data alone go to stdout
    expect((await cli(['export', 'tasks', '--db', db])).out.trim().split('\n')).toHaveLength(10);

    const closed = await cli(['study', 'close', 'pilot', '--db', db]);
    expect(closed.out).toMatch(/^Study "pilot" is closed \(/);
    expect((await cli(['study', 'archive', 'pilot', '--db', db])).out).toBe('Study "pilot" is archived: hidden from the lists, everything kept. Bring it back with: assay study unarchive pilot\n');
    expect((await cli(['study', 'list', '--db', db])).out).toBe('No studies (archived ones are listed with --all). Create one with: assay study create --help\n');
    expect((await cli(['study', 'list', '--all', '--db', db])).out).toMatch(/^pilot +closed, archived +0\/6/m);
    expect(parseJson((await cli(['study', 'unarchive', 'pilot', '--json', '--db', db])).out)).toEqual([{ name: 'pilot', state: 'closed', archivedAt: null }]);
  });

  it('housekeeping commands say what they did, or why not (exit 1), in both modes', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'r.db');
    await cli(['import', tasksFile(dir, 4), '--db', db]);
    await cli(['study', 'create', '--name', 'fresh', '--conditions', 'a:all', '--evaluators', 'ann', '--overlap', '1', '--seed', '1', '--tasks', writeIds(dir, ['t1']), '--db', db]);
    await cli(['study', 'create', '--name', 'shown', '--conditions', 'a:all', '--evaluators', 'bob', '--overlap', '1', '--seed', '1', '--tasks', writeIds(dir, ['t2']), '--db', db]);
    await cli(['pack', 'export', '--study', 'shown', '--evaluator', 'bob', '--out', path.join(dir, 'bob.json'), '--db', db]);

    expect(await cli(['study', 'delete', 'shown', '--db', db])).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/^assay study delete: study "shown" issued 1 pack .*Close it, then archive it/) });
    expect(await cli(['study', 'archive', 'shown', '--db', db])).toMatchObject({ code: 1, err: expect.stringContaining('is open: close it first') });
    expect((await cli(['study', 'delete', 'fresh', '--db', db])).out).toBe('Deleted study "fresh" and its 1 unopened queue item. Its tasks and evaluator profiles stay.\n');

    const dry = await cli(['tasks', 'delete', '--not-in-study', '--dry-run', '--db', db]);
    expect(dry.out).toBe('Would delete 3 tasks in no study, with their critiques and flaws. Nothing was written (--dry-run).\n');
    const named = await cli(['tasks', 'delete', 't2', 't3', '--db', db]);
    expect(named).toMatchObject({ code: 1, out: 'Nothing deleted.\n', err: expect.stringContaining('task "t2" cannot be deleted: it is in study "shown"') });
    expect(parseJson((await cli(['tasks', 'delete', 't3', '--json', '--db', db])).out)).toEqual([{ deleted: 1, kept: [], keptCount: 0, dryRun: false }]);
    expect((await cli(['tasks', 'delete', '--not-in-study', '--db', db])).out).toBe('Deleted 2 tasks in no study, with their critiques and flaws.\n');
    expect((await cli(['tasks', 'delete', '--db', db])).code).toBe(2);

    const profiles = await cli(['profiles', 'list', '--db', db]);
    expect(profiles.out).toMatch(/^Profile +Name +Reviews +Studies +Can be removed\nann +ann +0 +— +yes\nbob +bob +0 +shown +no: "bob" is an evaluator of study "shown"/);
    expect(await cli(['profiles', 'remove', 'bob', '--db', db])).toMatchObject({ code: 1, err: expect.stringContaining('"bob" is an evaluator of study "shown": a study\'s evaluators stay') });
    expect((await cli(['profiles', 'remove', 'ann', '--db', db])).out).toBe('Removed the profile "ann" and its 0 unopened practice items.\n');
    expect(parseJson((await cli(['profiles', 'list', '--json', '--db', db])).out)[0]).toEqual([expect.objectContaining({ id: 'bob', removable: { ok: false, reason: expect.any(String) } })]);
  });
});

function writeIds(dir: string, ids: readonly string[]): string {
  const file = path.join(dir, `ids-${ids.join('-')}.txt`);
  fs.writeFileSync(file, `${ids.join('\n')}\n`);
  return file;
}

describe('progress bars', () => {
  it('draw on stderr while a long import runs, only when stderr is a terminal, never with --json; stdout stays clean', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.jsonl');
    const filler = 'x'.repeat(4000);
    fs.writeFileSync(big, Array.from({ length: 1500 }, (_, i) => `${JSON.stringify({ id: `b${i}`, kind: 'summary', output: `${i} ${filler}` })}\n`).join('')); // ~6 MB
    const tty = await cli(['import', big, '--db', path.join(dir, 'a.db')], true);
    expect(tty.code).toBe(0);
    expect(tty.err).toMatch(/\r\x1b\[Kbig\.jsonl \[[#·]{24}\] +\d+% +[\d.]+ MB of [\d.]+ MB/);
    expect(tty.err.endsWith('\r\x1b[K')).toBe(true); // the bar's line is cleared at the end
    expect(tty.out).toBe(`${big}: imported 1,500 tasks (0 critiques, 0 flaws)\n`);
    const notTty = await cli(['import', big, '--db', path.join(dir, 'b.db')], false);
    expect(notTty.err).toBe('');
    const json = await cli(['import', big, '--json', '--db', path.join(dir, 'c.db')], true);
    expect(json.err).toBe('');
    expect(parseJson(json.out)).toHaveLength(1);
  });

  it('format amounts, tables and bars predictably', () => {
    expect(progressLine('x', 5, 10, 'items', 10)).toBe('x [#####·····]  50%  5 of 10');
    expect(progressLine('f', 3 * 1024 ** 2, 12 * 1024 ** 2, 'bytes', 4)).toBe('f [#···]  25%  3.0 MB of 12.0 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(plural(1, 'task')).toBe('1 task');
    expect(plural(12_000, 'review')).toBe('12,000 reviews');
    expect(table(['Name', 'Count'], [['a\nb', 5], ['long name', 12_000]])).toBe('Name        Count\na b             5\nlong name  12,000');
  });
});

describe('study create --tasks FILE (the format README and docs/studies.md describe)', () => {
  const base = (dir: string, db: string, file: string): string[] => ['study', 'create', '--name', 'pilot', '--conditions', 'u:none', '--evaluators', 'ann', '--overlap', '1', '--seed', '1', '--tasks', file, '--db', db];

  it('one id per line; blank lines and # comments skipped; CRLF ends; a JSON line counts by its "id" (a task package is its own list)', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'x.db');
    expect((await cli(['import', tasksFile(dir, 4), '--db', db])).code).toBe(0);
    const list = path.join(dir, 'ids.txt');
    fs.writeFileSync(list, `# the pilot's tasks\r\nt1\r\n\r\n  t2  \r\n${JSON.stringify(task('t4'))}\r\n`);
    const created = await cli([...base(dir, db, list), '--json']);
    expect(created.code).toBe(0);
    const shown = parseJson((await cli(['study', 'show', 'pilot', '--json', '--db', db])).out)[0] as { assignments: { task: string }[] };
    expect(shown.assignments.map((a) => a.task).sort()).toEqual(['t1', 't2', 't4']);
  });

  it('refuses, naming the file and line or the id: bad JSON, a JSON line without an id, an id twice, an unknown id, no ids', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'x.db');
    await cli(['import', tasksFile(dir, 2), '--db', db]);
    const cases: [string, RegExp][] = [
      ['t1\n{"id": "t2"\n', /ids\.txt:2: not JSON/],
      ['t1\n{"kind": "summary"}\n', /ids\.txt:2: id: expected a task id/],
      ['t1\nt2\nt1\n', /"t1" is listed twice/],
      ['t1\nnope\n', /not in this database: nope/],
      ['# nothing\n\n', /ids\.txt: no task ids/],
    ];
    for (const [text, message] of cases) {
      const list = path.join(dir, 'ids.txt');
      fs.writeFileSync(list, text);
      const r = await cli(base(dir, db, list));
      expect(r.code, text).toBe(1);
      expect(r.err, text).toMatch(message);
    }
    expect((await cli(['study', 'list', '--json', '--db', db])).out.trim()).toBe('[]');
  });
});
