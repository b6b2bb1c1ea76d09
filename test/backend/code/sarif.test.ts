import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { captureCli } from '../../helpers/cli.js';
import { gitRepo } from '../../helpers/git.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';
import { studyWithReviews } from '../interop/fixture.js';

// SARIF 2.1.0 both ways (issue 14). In: a real ESLint run over a small program of our own, written
// as SARIF by Microsoft's @microsoft/eslint-formatter-sarif. Out: `assay export sarif`, validated by
// Microsoft's SARIF multitool with the SARIF rules and GitHub code scanning's ingestion rules.

const require = createRequire(import.meta.url);
const sarifFormatter = require('@microsoft/eslint-formatter-sarif') as (results: ESLint.LintResult[], data: unknown) => string;

const appV1 = 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n';
const appV2 = [
  'export function greet(name) {',
  '  const unused = 1;',
  '  return `Hello, ${name}!`;',
  '}',
  '',
  'export function isAnswer(x) {',
  "  const label = '🎉 answer'; if (x == 42) return label;",
  '  var other = x;',
  '  return other;',
  '}',
  '',
].join('\n');

/** A repository whose second commit adds lint problems to src/app.js; lib/legacy.js (unchanged) has one too. */
function repository(): string {
  return gitRepo([
    { message: 'Initial', files: { 'src/app.js': appV1, 'lib/legacy.js': 'var legacy = 1;\nexport { legacy };\n' } },
    { message: 'Add isAnswer', files: { 'src/app.js': appV2 } },
  ]);
}

/** Runs ESLint 9 over the repository's working tree and writes its SARIF log. */
async function eslintSarif(repo: string): Promise<string> {
  const eslint = new ESLint({
    cwd: repo,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.js'], languageOptions: { ecmaVersion: 2022, sourceType: 'module' }, rules: { eqeqeq: 'error', 'no-unused-vars': 'warn', 'no-var': 'error' } }],
  });
  const results = await eslint.lintFiles(['src/**/*.js', 'lib/**/*.js']);
  const file = path.join(tempDir(), 'eslint.sarif');
  fs.writeFileSync(file, sarifFormatter(results, { cwd: repo, rulesMeta: eslint.getRulesMetaForResults(results) }));
  return file;
}

interface StoredCritique {
  id: string;
  text: string;
  source: Record<string, unknown>;
  resolved: { start16: number; end16: number; lines: [number, number]; path: string; side: string };
}

function critiques(db: string, task: string): StoredCritique[] {
  const h = openDatabase(db);
  try {
    const src = JSON.parse((h.prepare('SELECT source_json FROM tasks WHERE id = ?').get(task) as { source_json: string }).source_json) as { critiques?: Record<string, unknown>[] };
    const rows = h.prepare('SELECT id, text, resolved_json FROM critiques WHERE task_id = ? ORDER BY position').all(task) as { id: string; text: string; resolved_json: string }[];
    return rows.map((r) => ({ id: r.id, text: r.text, source: src.critiques!.find((c) => c['id'] === r.id)!, resolved: JSON.parse(r.resolved_json) }));
  } finally {
    h.close();
  }
}

/** The problems Microsoft's SARIF multitool finds in a log (SARIF rules and GitHub's), as `RULE: message`, by level. */
function multitool(file: string): { errors: string[]; warnings: string[] } {
  const binary = require('@microsoft/sarif-multitool') as string;
  const out = path.join(tempDir(), 'validation.sarif');
  const run = spawnSync(binary, ['validate', file, '-o', out, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh'], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const log = JSON.parse(fs.readFileSync(out, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { id?: string; text?: string; arguments?: string[] } }[] }[] };
  const results = log.runs[0]!.results ?? [];
  const describe = (r: (typeof results)[number]): string => `${r.ruleId}: ${r.message.text ?? (r.message.arguments ?? []).join(' | ')}`;
  return { errors: results.filter((r) => (r.level ?? 'warning') === 'error').map(describe), warnings: results.filter((r) => r.level === 'warning').map(describe) };
}

async function importedChange(db: string, repo: string, id: string): Promise<void> {
  const r = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', 'HEAD~1..HEAD', '--id', id, '--db', db]);
  expect(r.code, r.err).toBe(0);
}

describe('assay import --from sarif (a real ESLint log)', () => {
  it("puts each result on the task's file as a critique: ESLint as the critic, ruleId as category, level as severity, columns in UTF-16 units with --column-kind", async () => {
    const repo = repository();
    const db = tempDbPath();
    await importedChange(db, repo, 'pr');
    const log = await eslintSarif(repo);
    expect(JSON.parse(fs.readFileSync(log, 'utf8')).runs[0].columnKind).toBeUndefined(); // ESLint does not declare its unit
    const r = await captureCli(['import', '--json', log, '--from', 'sarif', '--task', 'pr', '--column-kind', 'utf16CodeUnits', '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ tasks: 1, replaced: 1, critiques: 3 });
    expect(r.err).toMatch(/: left out: "file:\/\/\/.*\/lib\/legacy\.js" is not a file of task "pr"/);
    const cs = critiques(db, 'pr');
    const covered = (c: StoredCritique): string => appV2.slice(c.resolved.start16, c.resolved.end16);
    expect(cs.map((c) => [c.source['category'], c.source['severity'], c.source['model'], c.resolved.path, covered(c)])).toEqual([
      ['no-unused-vars', 'minor', 'ESLint', 'src/app.js', 'unused'],
      ['eqeqeq', 'major', 'ESLint', 'src/app.js', '=='],
      ['no-var', 'major', 'ESLint', 'src/app.js', 'var other = x;'],
    ]);
    expect(cs[1]!.text).toBe("Expected '===' and instead saw '=='.");
    expect(cs[1]!.source['sarif']).toMatchObject({ tool: { name: 'ESLint' }, level: 'error', ruleId: 'eqeqeq' });
    // the same log again adds nothing
    const again = await captureCli(['import', '--json', log, '--from', 'sarif', '--task', 'pr', '--column-kind', 'utf16CodeUnits', '--db', db]);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ tasks: 0, unchanged: 1 });
  });

  it('without --column-kind reads columns as code points (SARIF\'s default) and warns where that matters: a line with an emoji', async () => {
    const repo = repository();
    const db = tempDbPath();
    await importedChange(db, repo, 'pr');
    const r = await captureCli(['import', '--json', await eslintSarif(repo), '--from', 'sarif', '--dry-run', '--db', db]); // the task is found by its files
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('the log does not declare columnKind and this line has characters outside the BMP');
    expect(r.err.match(/does not declare columnKind/g)).toHaveLength(1);
  });

  it('refuses a task that was already shown (the one guard), and a log that is not SARIF 2.1.0, naming the place', async () => {
    const repo = repository();
    const db = tempDbPath();
    await importedChange(db, repo, 'pr');
    const log = await eslintSarif(repo);
    const h = openDatabase(db);
    studyWithReviews(h, { name: 'frozen', evaluators: ['ann'], conditions: [{ name: 'unassisted', policy: 'none' }] }, () => ({ decisions: [] }));
    h.close();
    const r = await captureCli(['import', '--json', log, '--from', 'sarif', '--task', 'pr', '--column-kind', 'utf16CodeUnits', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/task "pr" belongs to study "frozen"/);
    expect(critiques(db, 'pr')).toEqual([]);
    const v1 = path.join(tempDir(), 'old.sarif');
    fs.writeFileSync(v1, JSON.stringify({ version: '1.0.0', runs: [] }));
    expect((await captureCli(['import', '--json', v1, '--from', 'sarif', '--task', 'pr', '--db', db])).err).toContain('version: expected SARIF "2.1.0" (got "1.0.0")');
    const badRegion = path.join(tempDir(), 'region.sarif');
    fs.writeFileSync(badRegion, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results: [{ ruleId: 'r', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: 99 } } }] }] }] }));
    const br = await captureCli(['import', '--json', badRegion, '--from', 'sarif', '--task', 'pr', '--db', db]);
    expect(br.err).toContain('runs[0].results[0].locations[0].physicalLocation.region: region: line 99 is past the end of the file (11 lines) in "src/app.js"');
  });
});

describe('assay export sarif', () => {
  async function studied(): Promise<{ db: string; repo: string }> {
    const repo = repository();
    const db = tempDbPath();
    await importedChange(db, repo, 'pr');
    const r = await captureCli(['import', '--json', await eslintSarif(repo), '--from', 'sarif', '--task', 'pr', '--column-kind', 'utf16CodeUnits', '--db', db]);
    expect(r.code, r.err).toBe(0);
    const ids = critiques(db, 'pr').map((c) => c.id);
    const h = openDatabase(db);
    studyWithReviews(h, { name: 'lint-study', evaluators: ['ann'], conditions: [{ name: 'assisted', policy: 'all' }] }, () => ({
      decisions: [
        { critique: ids[0]!, verdict: 'reject', reason: 'incorrect' },
        { critique: ids[1]!, verdict: 'accept', edited_text: 'Use === here.' },
        { critique: ids[2]!, verdict: 'accept' },
      ],
      added: [
        { id: 'a1', description: 'Returns the label, not a boolean.', anchor: { path: 'src/app.js', quote: 'return label' }, severity: 'major', category: 'bug' },
        { id: 'a2', description: 'greet has an unused constant.', anchor: { path: 'src/app.js', lines: [2, 2] } },
      ],
    }));
    h.close();
    return { db, repo };
  }

  it('writes accepted critiques and added flaws as one run (a rule per category, evaluator and condition as properties) that the SARIF multitool validates with the SARIF and GitHub rules', async () => {
    const { db } = await studied();
    const out = path.join(tempDir(), 'study.sarif');
    const r = await captureCli(['export', 'sarif', '--study', 'lint-study', '--out', out, '--db', db]);
    expect(r.code, r.err).toBe(0);
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['eqeqeq', 'no-var', 'bug', 'uncategorized']);
    expect(run.results.map((x: { ruleId: string; level: string; message: { text: string }; properties: Record<string, unknown> }) => [x.ruleId, x.level, x.message.text, x.properties['kind'], x.properties['evaluator'], x.properties['condition']])).toEqual([
      ['eqeqeq', 'error', 'Use === here.', 'accepted-critique', 'ann', 'assisted'],
      ['no-var', 'error', "Unexpected var, use let or const instead.", 'accepted-critique', 'ann', 'assisted'],
      ['bug', 'error', 'Returns the label, not a boolean.', 'added-flaw', 'ann', 'assisted'],
      ['uncategorized', 'note', 'greet has an unused constant.', 'added-flaw', 'ann', 'assisted'],
    ]);
    // regions in UTF-16 units after the emoji: `==` is columns 36–38 of line 7 (ESLint said 36 too)
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'src/app.js' }, region: { startLine: 7, startColumn: 36, endLine: 7, endColumn: 38 } });
    expect(run.results[3].locations[0].physicalLocation.region).toEqual({ startLine: 2, endLine: 2 });
    const { errors, warnings } = multitool(out);
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => !w.startsWith('SARIF2005'))).toEqual([]); // only: the tool names no informationUri
    // the validator is not a no-op: a result without a message is an error
    delete run.results[0].message;
    const broken = path.join(tempDir(), 'broken.sarif');
    fs.writeFileSync(broken, JSON.stringify(log));
    expect(multitool(broken).errors).toEqual([expect.stringContaining('JSON1002')]);
  }, 60_000);

  it('round trip: the exported log imported onto a fresh copy of the task gives the same anchors; --include selects', async () => {
    const { db, repo } = await studied();
    const out = path.join(tempDir(), 'study.sarif');
    expect((await captureCli(['export', 'sarif', '--study', 'lint-study', '--out', out, '--db', db])).code).toBe(0);
    await importedChange(db, repo, 'copy');
    const r = await captureCli(['import', '--json', out, '--from', 'sarif', '--task', 'copy', '--db', db]);
    expect(r.code, r.err).toBe(0);
    const original = critiques(db, 'pr');
    const back = critiques(db, 'copy');
    const slice = (c: StoredCritique) => [c.resolved.path, c.resolved.side, c.resolved.lines, appV2.slice(c.resolved.start16, c.resolved.end16)];
    expect(back.slice(0, 2).map(slice)).toEqual([original[1]!, original[2]!].map(slice));
    expect(back.map((c) => c.source['model'])).toEqual(['Assay', 'Assay', 'Assay', 'Assay']);
    expect(appV2.slice(back[2]!.resolved.start16, back[2]!.resolved.end16)).toBe('return label');
    expect(back[3]!.resolved.lines).toEqual([2, 2]);
    const only = path.join(tempDir(), 'accepted.sarif');
    expect((await captureCli(['export', 'sarif', '--study', 'lint-study', '--include', 'accepted', '--out', only, '--db', db])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(only, 'utf8')).runs[0].results.map((x: { properties: { kind: string } }) => x.properties.kind)).toEqual(['accepted-critique', 'accepted-critique']);
    expect((await captureCli(['export', 'sarif', '--study', 'lint-study', '--include', 'rejected', '--db', db])).err).toContain('--include takes accepted, added');
  }, 60_000);
});
