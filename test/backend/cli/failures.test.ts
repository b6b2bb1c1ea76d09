import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/backend/cli/commands/index.js';
import { failureMessage } from '../../../electron/backend/cli/main.js';
import { latestVersion } from '../../../electron/backend/db/migrate.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { captureCli } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDir } from '../../helpers/temp.js';

// Every CLI failure is one clear line on stderr with exit code 1 (2 for usage): never a stack trace.

/** A stack frame as Node prints it ("    at fn (file:line:col)"). */
const stackFrame = /^\s+at\s/m;

/** Files the commands read before they open the database (so that the database is what fails). */
function inputs(dir: string): { tasks: string; file: string } {
  const tasks = path.join(dir, 'tasks.jsonl');
  fs.writeFileSync(tasks, `${JSON.stringify({ id: 't1', kind: 'summary', output: 'x' })}\n`);
  const file = path.join(dir, 'some.json');
  fs.writeFileSync(file, '{}');
  return { tasks, file };
}

/** For every command of the table: the arguments besides --db that get it as far as opening the database. */
function argsFor(dir: string): Record<string, string[]> {
  const { tasks, file } = inputs(dir);
  const out = (name: string): string => path.join(dir, name);
  const study = ['--study', 's'];
  return {
    serve: ['--port', '0'],
    demo: [],
    backup: ['--out', out('backup.db')],
    import: [tasks],
    'export tasks': [],
    'export reviews': [],
    'study create': ['--name', 's', '--conditions', 'a:none', '--evaluators', 'e1', '--overlap', '1', '--seed', '1'],
    'study list': [],
    'study show': ['s'],
    'study close': ['s'],
    'study archive': ['s'],
    'study unarchive': ['s'],
    'study delete': ['s'],
    'tasks delete': ['--not-in-study'],
    'profiles list': [],
    'profiles remove': ['ann'],
    'study check': ['s'],
    'study plan': ['--conditions', 'a:none,b:all', '--uplift', '0.5'],
    'pack export': [...study, '--evaluator', 'e1', '--out', out('pack.json')],
    'pack import': [file],
    'results export': ['--out', out('results.json')],
    'results import': [file],
    metrics: study,
    'export decisions': study,
    'export flaws': study,
    'export matches': study,
    'export answers': study,
    'export events': study,
    critique: ['--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--all'],
    'critique sweep': ['--name', 'x'],
    'critique remove': ['--name', 'x'],
    'export labelstudio': study,
    'export prodigy': study,
    'export w3c': study,
    'export sarif': study,
    'export training': [...study, '--kind', 'critique-labels', '--out', out('training')],
  };
}

const commandNames = commands.map((c) => c.words.join(' ')).sort();

/** The bad databases a careless user points --db at, each with what the message must say. */
const badDatabases: { name: string; make: (dir: string) => string; says: RegExp }[] = [
  {
    name: 'a path under a regular file',
    make: (dir) => {
      fs.writeFileSync(path.join(dir, 'some-file'), 'not a folder');
      return path.join(dir, 'some-file', 'x.db');
    },
    says: /cannot be created: .*some-file is a file, not a folder|no database at/,
  },
  {
    name: 'a directory',
    make: (dir) => {
      fs.mkdirSync(path.join(dir, 'a-folder'));
      return path.join(dir, 'a-folder');
    },
    says: /is a folder, not a database file/,
  },
  {
    name: 'a file that is not a database',
    make: (dir) => {
      const f = path.join(dir, 'notes.db');
      fs.writeFileSync(f, 'Shopping list: milk, eggs, and a database that is not one.\n'.repeat(100));
      return f;
    },
    says: /is not an Assay database, or it is corrupt/,
  },
  {
    name: 'a database from a newer Assay',
    make: (dir) => {
      const f = path.join(dir, 'future.db');
      const db = openDatabase(f);
      db.pragma(`user_version = ${latestVersion() + 1}`);
      db.close();
      return f;
    },
    says: /was written by a newer version of Assay/,
  },
];

describe('CLI failures', () => {
  it('the table below covers every command', () => {
    expect(Object.keys(argsFor(tempDir())).sort()).toEqual(commandNames);
  });

  for (const bad of badDatabases) {
    it(`every command refuses ${bad.name} with exit code 1 and one clear line, no stack trace`, async () => {
      const dir = tempDir();
      const db = bad.make(dir);
      for (const [name, args] of Object.entries(argsFor(dir))) {
        const r = await captureCli([...name.split(' '), ...args, '--db', db]);
        if (name === 'backup' && bad.name === 'a database from a newer Assay') {
          // A copy is harmless, and what you want before upgrading Assay.
          expect(r.code, r.err).toBe(0);
          continue;
        }
        expect(r.code, `${name}: ${r.err}`).toBe(1);
        expect(r.err, name).not.toMatch(stackFrame);
        expect(r.err, name).toMatch(new RegExp(`^assay ${name}: `));
        expect(r.err.trimEnd().split('\n'), name).toHaveLength(1);
        expect(r.err, name).toMatch(bad.says);
        expect(r.err, name).toContain(db);
      }
    });
  }

  it('every command refuses an unreadable database file (run as an unprivileged user when this is root)', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755); // the unprivileged user must reach the file, only not read it
    const db = path.join(dir, 'locked.db');
    openDatabase(db).close();
    fs.chmodSync(db, 0o000);
    const asRoot = process.getuid?.() === 0;
    for (const [name, args] of Object.entries(argsFor(dir))) {
      const argv = [...name.split(' '), ...args, '--db', db];
      let r: { code: number | null; err: string };
      if (asRoot) {
        // root reads any file: the installed binary runs as "nobody", as a user without access would
        const p = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), ...argv], { encoding: 'utf8', uid: 65534, gid: 65534, env: { PATH: process.env['PATH'] ?? '', HOME: dir } });
        r = { code: p.status, err: p.stderr };
      } else {
        r = await captureCli(argv);
      }
      expect(r.code, `${name}: ${r.err}`).toBe(1);
      expect(r.err, name).not.toMatch(stackFrame);
      expect(r.err, name).toMatch(new RegExp(`^assay ${name}: The database ${db} cannot be read: permission denied`));
    }
  });

  it('the installed binary prints the same single line for the reported case (study list under a file)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'some-file'), 'x');
    const db = path.join(dir, 'some-file', 'x.db');
    const p = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'study', 'list', '--db', db], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    expect(p.stdout).toBe('');
    expect(p.stderr).toBe(`assay study list: The database ${db} cannot be created: ${path.join(dir, 'some-file')} is a file, not a folder. Choose another database with --db.\n`);
  });

  it('a broken build: the binary says so in one line', () => {
    const dist = tempDir();
    fs.writeFileSync(path.join(dist, 'cli.mjs'), "throw new Error('half-written bundle');\n");
    const p = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'study', 'list'], { encoding: 'utf8', env: { ...process.env, ASSAY_DIST: dist } });
    expect(p.status).toBe(1);
    expect(p.stderr).toBe(`assay: cannot load the CLI (${path.join(dist, 'cli.mjs')}): half-written bundle. Run \`npm run build\` in the Assay folder.\n`);
  });

  it('an output file in a missing folder, or a port in use: what, where and why in one line', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'ok.db');
    const ready = openDatabase(db);
    loadDemo(ready);
    ready.close();
    const missing = path.join(dir, 'no-such-folder');
    for (const argv of [
      ['export', 'tasks', '--out', path.join(missing, 'tasks.jsonl')],
      ['export', 'reviews', '--out', path.join(missing, 'reviews.jsonl')],
      ['backup', '--out', path.join(missing, 'copy.db')],
    ]) {
      const r = await captureCli([...argv, '--db', db]);
      expect(r.code, r.err).toBe(1);
      expect(r.err).not.toMatch(stackFrame);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/no-such-folder|directory does not exist/);
    }
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await captureCli(['serve', '--port', String(port), '--db', db]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `assay serve: cannot serve on 127.0.0.1:${port}: port ${port} is in use (another assay serve?); choose another with --port, or --port 0 for any free one\n`,
      );
    } finally {
      taken.close();
    }
    // nothing was left behind by the failed exports
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('an unexpected error is its message, marked as unexpected; the stack only with ASSAY_DEBUG=1', () => {
    const err = new TypeError('Cannot read properties of undefined (reading "x")');
    expect(failureMessage(err, {})).toBe('Cannot read properties of undefined (reading "x") (unexpected error; run with ASSAY_DEBUG=1 to see where it happened)');
    expect(failureMessage(err, { ASSAY_DEBUG: '1' })).toMatch(stackFrame);
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(failureMessage(busy, {}, '/data/a.db')).toBe('The database /data/a.db is busy: another program holds a lock on it for too long. Try again in a moment. (SQLITE_BUSY)');
  });

  it('usage errors still exit 2 with the usage line', async () => {
    const r = await captureCli(['study', 'show', '--db', path.join(tempDir(), 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('assay study show: expected one study NAME\nUsage: assay study show NAME [--evaluator ID] [--json] [--db PATH]\n');
  });
});
