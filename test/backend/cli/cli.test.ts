import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureCli } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDbPath } from '../../helpers/temp.js';

const run = (argv: string[]) => captureCli(argv);

describe('assay CLI', () => {
  it('prints help listing every command, and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/assay serve \[--db PATH\] \[--port N\] \[--host ADDR\]/);
    const version = await run(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version.out.trim()).toBe(pkg.version);
  });

  it('exits 2 on an unknown command or flag', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    const bad = await run(['serve', '--colour', 'blue']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown option '--colour'/);
    expect((await run(['serve', '--port', 'eighty'])).code).toBe(2);
  });

  it('runs as the installed binary (bin/assay.mjs → dist/cli.mjs)', () => {
    const db = tempDbPath();
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'demo', '--json', '--db', db], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ tasks: 4, critiques: 13, flaws: 8, unchanged: 0 });
    const again = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'demo', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ASSAY_DB: db },
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ tasks: 0, unchanged: 4 });
  });
});
