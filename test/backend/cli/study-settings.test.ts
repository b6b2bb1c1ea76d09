import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';
import { loadStudyTasks } from '../studies/fixtures.js';

// `assay study create` with every settings flag (the names other tools use), bad values refused as
// usage errors (exit 2), and `study show` listing the settings.

function dbWithTasks(): string {
  const { db, path: file } = tempDb();
  loadStudyTasks(db, 4);
  db.close();
  return file;
}

const base = (db: string, name = 's') => ['study', 'create', '--name', name, '--conditions', 'a:none,b:all', '--evaluators', 'ann,bob', '--overlap', '2', '--seed', '1', '--db', db];

describe('assay study create: settings flags', () => {
  it('takes every flag and stores the settings; study show and --json list them', async () => {
    const db = dbWithTasks();
    const instructions = path.join(tempDir(), 'protocol.md');
    fs.writeFileSync(instructions, '# Protocol\n\nRead the source first. <script>alert(1)</script>\n');
    const r = await captureCli([
      ...base(db),
      '--rating',
      'off',
      '--reject-reason',
      'optional',
      '--decide-all',
      '--instructions',
      instructions,
      '--categories',
      'accuracy, coverage,tone',
      '--time-limit',
      '300',
      '--on-time-limit',
      'skip',
      '--question',
      'Does the output contain a serious flaw?',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const expected = {
      rating: 'off',
      rejectReason: 'optional',
      decideAll: true,
      instructions: fs.readFileSync(instructions, 'utf8'),
      categories: ['accuracy', 'coverage', 'tone'],
      timeLimitSeconds: 300,
      onTimeLimit: 'skip',
      question: 'Does the output contain a serious flaw?',
    };
    expect(JSON.parse(r.out).settings).toEqual(expected);
    const shown = await captureCli(['study', 'show', 's', '--db', db]);
    expect(shown.out).toContain(
      'Settings: rating: off (not asked); reject reason: optional; every shown critique decided before submitting; flaw categories: accuracy, coverage, tone; time limit: 5 min per item (then the item is skipped); question: "Does the output contain a serious flaw?" (yes/no with confidence 50–100%); instructions: 61 characters of Markdown',
    );
    expect(JSON.parse((await captureCli(['study', 'show', 's', '--json', '--db', db])).out).settings).toEqual(expected);
  });

  it('defaults keep today’s behaviour; --time-limit alone submits when time runs out', async () => {
    const db = dbWithTasks();
    const plain = await captureCli([...base(db), '--json']);
    expect(JSON.parse(plain.out).settings).toEqual({
      rating: 'required',
      rejectReason: 'required',
      decideAll: false,
      instructions: null,
      categories: null,
      timeLimitSeconds: null,
      onTimeLimit: null,
      question: null,
    });
    expect((await captureCli(['study', 'show', 's', '--db', db])).out).toContain('Settings: defaults (rating required, reason on reject required, no time limit, no question)');
    const timed = await captureCli([...base(db, 't'), '--time-limit', '90']);
    expect(timed.code).toBe(0);
    expect(timed.out).toContain('Setting: time limit: 90 s per item (then the item is submitted as it stands)');
    const d = openDatabase(db);
    expect(JSON.parse((d.prepare(`SELECT settings_json FROM studies WHERE name = 't'`).get() as { settings_json: string }).settings_json)).toMatchObject({ timeLimitSeconds: 90, onTimeLimit: 'submit' });
    d.close();
  });

  it('refuses bad values as usage errors (exit 2) naming the flag, and writes no study', async () => {
    const db = dbWithTasks();
    const cases: [string[], RegExp][] = [
      [['--rating', 'sometimes'], /--rating: expected required\|optional\|off, got "sometimes"/],
      [['--reject-reason', 'off'], /--reject-reason: expected required\|optional, got "off"/],
      [['--on-time-limit', 'pause', '--time-limit', '60'], /--on-time-limit: expected submit\|skip, got "pause"/],
      [['--on-time-limit', 'skip'], /--on-time-limit needs --time-limit SECONDS/],
      [['--time-limit', 'soon'], /--time-limit: expected a whole number, got "soon"/],
      [['--categories', 'a,,b'], /--categories: entry 2 "": a category needs a name/],
      [['--categories', 'a,b,a'], /--categories: a category is listed twice/],
      [['--question', '  '], /--question: give the question/],
      [['--decide-all=yes'], /--decide-all/],
    ];
    for (const [flags, message] of cases) {
      const r = await captureCli([...base(db), ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    // values the flag parser cannot judge: refused by the settings schema (exit 1), naming the setting
    const zero = await captureCli([...base(db), '--time-limit', '0']);
    expect(zero.code).toBe(1);
    expect(zero.err).toMatch(/settings\.timeLimitSeconds: /);
    const missing = await captureCli([...base(db), '--instructions', path.join(tempDir(), 'nope.md')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.md/);
    const d = openDatabase(db);
    expect(d.prepare('SELECT count(*) AS n FROM studies').get()).toEqual({ n: 0 });
    d.close();
  });
});
