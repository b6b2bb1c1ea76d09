import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/backend/cli/main.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

const task = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'summary', output: `Output of ${id}.`, critiques: [{ id: 'c1', text: 'A critique.', anchor: { quote: 'Output' } }], ...extra });

function file(name: string, lines: readonly unknown[]): string {
  const p = path.join(tempDir(), name);
  fs.writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return p;
}

describe('assay import / assay export tasks', () => {
  it('imports files, says what it did in words (--json: one JSON object), and is a no-op the second time (exit 0)', async () => {
    const db = tempDbPath();
    const a = file('a.jsonl', [task('a1'), task('a2', { flaws: [{ id: 'f', description: 'd', critiques: ['c1'] }] })]);
    const b = file('b.jsonl', [task('b1')]);
    const first = await run(['import', a, b, '--db', db]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toBe(`${a}: imported 2 tasks (2 critiques, 1 flaw)\n${b}: imported 1 task (1 critique, 0 flaws)\nIn all: 3 tasks imported, 0 tasks unchanged.\n`);
    expect(first.err).toBe(''); // no progress bar: stderr is not a terminal
    const again = await run(['import', a, '--json', '--db', db]);
    expect(again.out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(again.out)).toMatchObject({ tasks: 0, critiques: 0, flaws: 0, unchanged: 2, files: [{ file: a, tasks: 0 }] });
    const dry = await run(['import', b, '--dry-run', '--db', tempDbPath()]);
    expect(dry.out).toBe(`${b}: valid, would import 1 task (1 critique, 0 flaws)\nNothing was written (--dry-run).\n`);
  });

  it('exits 1 with FILE:LINE errors on stderr, keeping earlier good files and nothing of the bad one', async () => {
    const db = tempDbPath();
    const good = file('good.jsonl', [task('g1')]);
    const bad = file('bad.jsonl', [task('x1'), '{"id": 3}', task('x1')]);
    const r = await run(['import', good, bad, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${bad}:2: id: expected string, got number`);
    expect(r.err).toContain(`${bad}:3: id: duplicate task id "x1" (also on line 1)`);
    expect(r.err).toContain(`${bad}: nothing imported (4 errors)`);
    const exported = await run(['export', 'tasks', '--db', db]);
    expect(exported.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['g1']);
  });

  it('--replace overwrites a changed task; without it the change is an error', async () => {
    const db = tempDbPath();
    await run(['import', file('v1.jsonl', [task('t')]), '--db', db]);
    const v2 = file('v2.jsonl', [task('t', { title: 'New title' })]);
    expect((await run(['import', v2, '--db', db])).code).toBe(1);
    const replaced = await run(['import', v2, '--replace', '--json', '--db', db]);
    expect(JSON.parse(replaced.out)).toMatchObject({ tasks: 1, replaced: 1 });
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(['import', '--db', tempDbPath()])).code).toBe(2);
    expect((await run(['import', 'x.jsonl', '--frobnicate'])).code).toBe(2);
    const format = await run(['export', 'tasks', '--format', 'xml', '--db', tempDbPath()]);
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/--format: unknown format "xml" \(known: jsonl\)/);
  });

  it('exits 1 for a missing file', async () => {
    const r = await run(['import', path.join(tempDir(), 'missing.jsonl'), '--db', tempDbPath()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.jsonl: cannot read the file: no such file/);
  });

  it('exports to --out atomically, and the export re-imports to the same bytes', async () => {
    const db = tempDbPath();
    const input = [task('e1', { meta: { k: [1, 'two'] } }), task('e2', { kind: 'code', language: 'rust', base: 'fn a() {}\n' })];
    await run(['import', file('in.jsonl', input), '--db', db]);
    const out = path.join(tempDir(), 'out.jsonl');
    const r = await run(['export', 'tasks', '--format', 'jsonl', '--out', out, '--json', '--db', db]);
    expect(JSON.parse(r.out)).toEqual({ tasks: 2, generated: 0, out, format: 'jsonl' });
    const text = fs.readFileSync(out, 'utf8');
    expect(text.trim().split('\n').map((l) => JSON.parse(l))).toEqual(input);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out.jsonl']);
    const db2 = tempDbPath();
    await run(['import', out, '--db', db2]);
    expect((await run(['export', 'tasks', '--db', db2])).out).toBe(text);
  });

  it('runs as the installed binary with exit codes 0, 1 and 2', () => {
    const bin = path.join(repoRoot, 'bin', 'assay.mjs');
    const db = tempDbPath();
    const ok = spawnSync(process.execPath, [bin, 'import', file('ok.jsonl', [task('z')]), '--json', '--db', db], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ tasks: 1 });
    const bad = spawnSync(process.execPath, [bin, 'import', file('bad.jsonl', ['nope']), '--db', db], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.jsonl:1: \(json\): not valid JSON/);
    expect(spawnSync(process.execPath, [bin, 'import'], { encoding: 'utf8' }).status).toBe(2);
  });
});
