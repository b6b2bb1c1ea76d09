import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { captureCli } from '../../helpers/cli.js';
import { startCriticServer, type CriticServer, type CriticServerOptions } from '../../helpers/critic-server.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const servers: CriticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(options: CriticServerOptions = {}): Promise<CriticServer> {
  const s = await startCriticServer(options);
  servers.push(s);
  return s;
}

/** `n` small summary tasks with one anchored flaw each. */
function tasksDb(n: number): string {
  const file = tempDbPath();
  const db = openDatabase(file);
  importTasks(
    db,
    Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      kind: 'summary',
      output: `Report ${i} says the bridge closed for ${i % 5} years after the vote of item ${i}.`,
      context: { document: `Source ${i}: the bridge closed for six months.` },
      flaws: [{ id: 'f1', description: 'Wrong duration', anchor: { quote: `for ${i % 5} years` } }],
    })),
  );
  db.close();
  return file;
}

const count = (file: string, sql: string): number => {
  const db = openDatabase(file);
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('assay critique (CLI)', () => {
  it('refuses bad flags with a usage error naming the flag (exit 2), and bad input with exit 1', async () => {
    const db = tasksDb(2);
    const s = await serve();
    const base = ['critique', '--db', db];
    const usage: [string[], RegExp][] = [
      [[...base, '--model', 'm', '--all'], /--base-url: required/],
      [[...base, '--base-url', s.baseUrl, '--all'], /--model: required/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm'], /--tasks FILE .* or --all/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--tasks', 'x'], /--tasks FILE .* or --all/],
      [[...base, '--base-url', 'http://u:p@127.0.0.1/v1', '--model', 'm', '--all'], /must not hold a user name or password/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--name', 'a,b'], /--name: "a,b"/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--structured', 'xml'], /--structured: unknown mode "xml"/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--samples', 'many'], /--samples: not a number/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--api-key-env', 'A-B'], /--api-key-env: not an environment variable name/],
    ];
    for (const [argv, why] of usage) {
      const r = await captureCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(why);
    }
    const input: [string[], RegExp][] = [
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--samples', '0'], /--samples: expected a whole number from 1 to 64, got 0/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--api-key-env', 'ASSAY_TEST_UNSET_KEY'], /ASSAY_TEST_UNSET_KEY is not set/],
      [[...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--temperature', '9'], /--temperature: expected a number from 0 to 2/],
    ];
    for (const [argv, why] of input) {
      const r = await captureCli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err, argv.join(' ')).toMatch(why);
    }
    const ids = path.join(tempDir(), 'ids.txt');
    fs.writeFileSync(ids, 't0\n# a comment\nnope\n');
    expect(await captureCli([...base, '--base-url', s.baseUrl, '--model', 'm', '--tasks', ids])).toMatchObject({ code: 1, err: expect.stringMatching(/--tasks: 1 task id\(s\) not in this database: nope/) });
    const prompt = path.join(tempDir(), 'p.md');
    fs.writeFileSync(prompt, 'Review:\n{{outptu}}\n');
    expect(await captureCli([...base, '--base-url', s.baseUrl, '--model', 'm', '--all', '--prompt', prompt])).toMatchObject({ code: 1, err: expect.stringMatching(/p\.md: line 2: unknown field \{\{outptu\}\}/) });
    expect(s.requests).toHaveLength(0);
  });

  it('generates, prints the summary (or --json), resumes, sweeps and removes', async () => {
    const db = tasksDb(6);
    const s = await serve();
    const argv = ['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'emu:7b', '--all', '--samples', '2', '--concurrency', '3', '--seed', '5'];
    const dry = await captureCli([...argv, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/Would send 12 request\(s\) .*about [\d,]+ prompt tokens/);
    expect(s.requests).toHaveLength(0);
    const first = await captureCli(argv);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Critic "emu-7b" \(emu:7b at 127\.0\.0\.1:\d+, structured output: json_schema\): 6 task\(s\) × 2 sample\(s\)\./);
    expect(first.out).toMatch(/Done: 12 sample\(s\) stored, \d+ critique\(s\), \d+ with a hallucinated anchor/);
    expect(first.out).toMatch(/Tokens: [\d,]+ prompt, [\d,]+ completion/);
    const again = JSON.parse((await captureCli([...argv, '--json'])).out) as { alreadyStored: number; requests: number };
    expect(again).toMatchObject({ alreadyStored: 12, requests: 0 });
    const sweep = await captureCli(['critique', 'sweep', '--db', db, '--name', 'emu-7b', '--points', 'all,anchored+top-1,lambda-0.5']);
    expect(sweep.code, sweep.err).toBe(0);
    expect(sweep.out).toMatch(/^Critic "emu-7b" over 6 tasks with 6 ground-truth flaws:\npoint +flaws pointed out +shown matching no flaw +critiques per task\nall /);
    expect(sweep.out.trim().split('\n')).toHaveLength(5);
    const json = JSON.parse((await captureCli(['critique', 'sweep', '--db', db, '--name', 'emu-7b', '--json'])).out) as { rows: { point: string }[] };
    expect(json.rows.map((r) => r.point)).toContain('anchored+lambda-0.5');
    expect(await captureCli(['critique', 'sweep', '--db', db, '--name', 'emu-7b', '--points', 'top-0'])).toMatchObject({ code: 2, err: expect.stringMatching(/top-K needs K ≥ 1/) });
    expect(await captureCli(['critique', 'sweep', '--db', db, '--name', 'ghost'])).toMatchObject({ code: 1, err: expect.stringMatching(/No critic "ghost"/) });
    const other = await captureCli([...argv, '--temperature', '0.1']);
    expect(other).toMatchObject({ code: 1, err: expect.stringMatching(/already exists with other settings \(temperature 0.7 → 0.1\)/) });
    // critics as conditions: the policy syntax passes through --conditions (no "," or ":")
    const study = await captureCli(['study', 'create', '--db', db, '--name', 'pilot', '--conditions', 'plain:none,crit:critic=emu-7b+anchored+top-1,wide:critic=emu-7b+lambda-0.50', '--evaluators', 'ann,bob', '--overlap', '2', '--seed', '3']);
    expect(study.code, study.err).toBe(0);
    expect(study.out).toContain('crit (critic=emu-7b+anchored+top-1), wide (critic=emu-7b+lambda-0.5)');
    expect(await captureCli(['critique', 'remove', '--db', db, '--name', 'emu-7b'])).toMatchObject({ code: 1, err: expect.stringMatching(/critic "emu-7b" is used by the conditions of study "pilot"/) });
    const unused = await captureCli(['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'emu:7b', '--name', 'other_1', '--all', '--samples', '1']);
    expect(unused.code, unused.err).toBe(0);
    expect(JSON.parse((await captureCli(['critique', 'remove', '--db', db, '--name', 'other_1', '--json'])).out)).toMatchObject({ critic: 'other_1', samples: 6 });
    const third = await captureCli(['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'emu:7b', '--name', 'other_2', '--all', '--samples', '1', '--json']);
    const made = JSON.parse(third.out) as { critiques: number };
    // for people by default: a sentence, not JSON (cli/output.ts)
    expect((await captureCli(['critique', 'remove', '--db', db, '--name', 'other_2'])).out).toBe(`Removed critic "other_2": ${made.critiques} critiques of 6 samples.\n`);
    const removed = await captureCli(['critique', 'remove', '--db', db, '--name', 'emu-7b']);
    expect(removed.code).toBe(1); // still used by the study
    expect(count(db, "SELECT count(*) AS n FROM critiques WHERE critic = 'emu-7b'")).toBeGreaterThan(0);
    expect(count(db, "SELECT count(*) AS n FROM critiques WHERE critic = 'other_1'")).toBe(0);
  });

  it('beside the task browser\'s housekeeping: export tasks says which lines gained critiques; tasks delete takes a task\'s samples and generated critiques with it', async () => {
    const db = tasksDb(3);
    const s = await serve();
    const out = path.join(tempDir(), 'tasks.jsonl');
    expect((await captureCli(['export', 'tasks', '--out', out, '--db', db])).out).toBe(`Wrote 3 tasks to ${out} (jsonl), each line exactly as imported.\n`);
    const ids = path.join(tempDir(), 'ids.txt');
    fs.writeFileSync(ids, 't1\n');
    const run = await captureCli(['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'm', '--tasks', ids, '--json']);
    expect(run.code, run.err).toBe(0);
    expect((await captureCli(['export', 'tasks', '--out', out, '--db', db])).out).toBe(`Wrote 3 tasks to ${out} (jsonl), each line as imported; 1 gains the critiques critics wrote here, with their provenance.\n`);
    expect(JSON.parse((await captureCli(['export', 'tasks', '--out', out, '--json', '--db', db])).out)).toEqual({ tasks: 3, generated: 1, out, format: 'jsonl' });
    expect(count(db, 'SELECT count(*) AS n FROM critiques WHERE generated = 1')).toBeGreaterThan(0);
    const deleted = await captureCli(['tasks', 'delete', '--not-in-study', '--json', '--db', db]);
    expect(deleted.code, deleted.err).toBe(0);
    expect(JSON.parse(deleted.out)).toMatchObject({ deleted: 3, keptCount: 0 });
    expect(count(db, 'SELECT count(*) AS n FROM critiques')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM critic_samples')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM task_facets')).toBe(0);
  });

  it('exits 1 with the reasons when samples failed, and the failures are asked again next time', async () => {
    const db = tasksDb(3);
    const s = await serve({ fault: (n) => (n <= 2 ? { kind: 'malformed' } : null) });
    const r = await captureCli(['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'm', '--all', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Failed: 1 sample\(s\):\n {2}task "t0" sample 0: malformed answer \(asked twice\)/);
    const again = await captureCli(['critique', '--db', db, '--base-url', s.baseUrl, '--model', 'm', '--all']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Done: 1 sample\(s\) stored/);
  });
});

describe('assay critique killed mid-run (SIGKILL) and run again', () => {
  it('no duplicate and no lost critique: the result equals an uninterrupted run, and the rerun asks only for what is missing', async () => {
    const killedDb = tasksDb(60);
    const referenceDb = tasksDb(60);
    const s = await serve({ latencyMs: 150 });
    // (concurrency 16: more listeners on the run's abort signal than Node's default warning allows; stderr stays empty)
    const args = (db: string): string[] => [path.join(repoRoot, 'bin', 'assay.mjs'), 'critique', '--db', db, '--base-url', s.baseUrl, '--model', 'm', '--all', '--samples', '2', '--concurrency', '16'];
    const child = spawn(process.execPath, args(killedDb), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASSAY_DB: '' } });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // kill it once some samples are stored and others are in flight
    const deadline = Date.now() + 20_000;
    while (s.answered() < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(err).toBe('');
    const storedAtKill = count(killedDb, 'SELECT count(*) AS n FROM critic_samples');
    expect(storedAtKill).toBeGreaterThan(0);
    expect(storedAtKill).toBeLessThan(120);
    // every stored sample is whole: its row and exactly its critiques, nothing half-written
    const partial = count(killedDb, `SELECT count(*) AS n FROM critic_samples s WHERE s.critiques <> (SELECT count(*) FROM critiques c WHERE c.task_id = s.task_id AND c.critic = s.critic AND c.sample = s.sample)`);
    expect(partial).toBe(0);
    expect(count(killedDb, `SELECT count(*) AS n FROM critiques c WHERE NOT EXISTS (SELECT 1 FROM critic_samples s WHERE s.task_id = c.task_id AND s.critic = c.critic AND s.sample = c.sample)`)).toBe(0);
    await new Promise((r) => setTimeout(r, 300)); // the killed process's requests in flight are answered (to nobody) and counted
    const before = s.requests.length;
    const rerun = await captureCli(args(killedDb).slice(1).concat('--json'));
    expect(rerun.code, rerun.err).toBe(0);
    const summary = JSON.parse(rerun.out) as { alreadyStored: number; done: number; requests: number };
    expect(summary).toMatchObject({ alreadyStored: storedAtKill, done: 120 - storedAtKill, requests: 120 - storedAtKill });
    expect(s.requests.length - before).toBe(120 - storedAtKill);
    const reference = await captureCli(args(referenceDb).slice(1));
    expect(reference.code, reference.err).toBe(0);
    const content = (file: string): unknown[] => {
      const db = openDatabase(file);
      try {
        return db.prepare('SELECT task_id, id, text, anchor_json, severity, score, critic, sample, hallucinated FROM critiques ORDER BY task_id, id').all();
      } finally {
        db.close();
      }
    };
    expect(content(killedDb)).toEqual(content(referenceDb));
    expect(count(killedDb, 'SELECT count(*) AS n FROM (SELECT task_id, critic, sample FROM critic_samples GROUP BY 1, 2, 3 HAVING count(*) > 1)')).toBe(0);
    expect(count(killedDb, 'SELECT count(*) AS n FROM critic_samples')).toBe(120);
  });
});
