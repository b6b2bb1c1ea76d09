import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { captureCli } from '../../helpers/cli.js';
import { git, gitRepo, writeTree } from '../../helpers/git.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

// `assay import --from git | patch | dirs` (issue 14): one multi-file code task from a change, read
// whole at both ends; anchors checked against the lines git itself says differ.

const calcV1 = ['def total(xs):', '    s = 0', '    for i in range(len(xs) - 1):', '        s += xs[i]', '    return s', '', '', ...Array.from({ length: 10 }, (_, i) => `# padding ${i + 1}`), 'def top(xs):', '    return max(xs)', ''].join('\n');
const calcV2 = ['def total(xs):', '    s = 0', '    for i in range(len(xs)):', '        s += xs[i]', '    return s', '', '', ...Array.from({ length: 10 }, (_, i) => `# padding ${i + 1}`), 'def top(xs):', '    return min(xs)', '', 'def mean(xs):', '    return total(xs) / len(xs)', ''].join('\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 1, 2, 3]);

/** A repository of three commits: the initial tree, a change of every kind, a README edit. */
function repository(): { repo: string; first: string } {
  const repo = gitRepo([
    { message: 'Initial', files: { 'src/calc.py': calcV1, 'README.md': '# Calc\n', 'logo.png': png, 'old_name.py': 'x = 1\ny = 2\n', 'to_delete.py': 'gone = True\n', 'same.txt': 'unchanged\n' } },
    {
      message: 'Fix the off-by-one in total; add mean\n\nThe loop missed the last item.',
      renames: [['old_name.py', 'new_name.py']],
      files: { 'src/calc.py': calcV2, 'new_name.py': 'x = 1\ny = 3\n', 'to_delete.py': null, 'src/util.ts': 'export const one = 1;\n', 'logo.png': Buffer.concat([png, Buffer.from([9])]) },
    },
    { message: 'Document mean', files: { 'README.md': '# Calc\n\n`mean(xs)` is the average.\n' } },
  ]);
  return { repo, first: git(repo, ['rev-parse', 'HEAD~2']).trim() };
}

/** The lines of `file` that `git diff -U0` marks as new or changed on the new side (its hunk headers). */
function gitChangedLines(repo: string, from: string, to: string, file: string): number[] {
  const out = git(repo, ['diff', '-U0', '-M', from, to, '--', file]);
  const lines: number[] = [];
  for (const m of out.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    for (let i = 0; i < count; i++) lines.push(start + i);
  }
  return lines;
}

function writeJson(name: string, value: unknown): string {
  const p = path.join(tempDir(), name);
  fs.writeFileSync(p, JSON.stringify(value));
  return p;
}

function storedTask(db: string, id: string): { files: Record<string, unknown>[]; source: Record<string, unknown>; flaws: { id: string; resolved: { lines: [number, number]; path: string; side: string } }[] } {
  const handle = openDatabase(db);
  try {
    const row = handle.prepare('SELECT files_json, source_json FROM tasks WHERE id = ?').get(id) as { files_json: string; source_json: string };
    const flaws = (handle.prepare('SELECT id, resolved_json FROM flaws WHERE task_id = ? ORDER BY position').all(id) as { id: string; resolved_json: string }[]).map((f) => ({ id: f.id, resolved: JSON.parse(f.resolved_json) }));
    return { files: JSON.parse(row.files_json), source: JSON.parse(row.source_json), flaws };
  } finally {
    handle.close();
  }
}

/** Writes the tree of commit `rev` into a new folder (git archive, unpacked by tar). */
function checkoutTree(repo: string, rev: string): string {
  const dir = tempDir('assay-tree-');
  const tar = execFileSync('git', ['archive', '--format=tar', rev], { cwd: repo });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return dir;
}

const mergeFile = (flawLines: [number, number]) =>
  writeJson('merge.json', {
    flaws: [{ id: 'off-by-one', description: 'The loop skipped the last item before the fix.', anchor: { path: 'src/calc.py', lines: flawLines }, category: 'bug' }, { id: 'wrong-top', description: 'top() now returns the minimum.', anchor: { path: 'src/calc.py', lines: [19, 19] }, severity: 'major' }],
    critiques: [{ id: 'c1', text: 'mean() divides by zero on an empty list.', anchor: { path: 'src/calc.py', quote: 'total(xs) / len(xs)' } }],
    context: { query: 'Review this pull request.' },
  });

describe('assay import --from git', () => {
  it('turns a range of commits into one task: every changed file whole at both ends, renames, new and deleted files, the binary file left out with a note, commit messages as the problem', async () => {
    const { repo, first } = repository();
    const db = tempDbPath();
    const r = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', `${first}..HEAD`, '--id', 'pr-1', '--merge', mergeFile([3, 3]), '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ tasks: 1, critiques: 1, flaws: 2, warnings: 1 });
    expect(r.err).toMatch(/^warning: git .*\.\.HEAD:logo\.png: left out: a binary file$/m);
    const { files, source, flaws } = storedTask(db, 'pr-1');
    expect(files.map((f) => f['path'])).toEqual(['README.md', 'new_name.py', 'src/calc.py', 'src/util.ts', 'to_delete.py']);
    const show = (rev: string, p: string): string => git(repo, ['show', `${rev}:${p}`]);
    expect(files).toEqual([
      { path: 'README.md', output: show('HEAD', 'README.md'), base: show(first, 'README.md'), language: 'markdown' },
      { path: 'new_name.py', output: 'x = 1\ny = 3\n', base: 'x = 1\ny = 2\n', language: 'python', renamed_from: 'old_name.py' },
      { path: 'src/calc.py', output: calcV2, base: calcV1, language: 'python' },
      { path: 'src/util.ts', output: 'export const one = 1;\n', language: 'typescript' },
      { path: 'to_delete.py', output: '', base: 'gone = True\n', language: 'python', deleted: true },
    ]);
    expect(source).toMatchObject({
      id: 'pr-1',
      kind: 'code',
      title: 'Document mean (and 1 earlier commit)',
      context: { problem: 'Fix the off-by-one in total; add mean\n\nThe loop missed the last item.\n\nDocument mean', query: 'Review this pull request.' },
      requires: [{ feature: 'multi-file', assay: '0.2.0' }],
    });
    // every planted flaw sits on lines that git itself says changed
    const changed = gitChangedLines(repo, first, 'HEAD', 'src/calc.py');
    expect(changed).toEqual([3, 19, 20, 21, 22]);
    for (const f of flaws) {
      expect(f.resolved.path).toBe('src/calc.py');
      for (let l = f.resolved.lines[0]; l <= f.resolved.lines[1]; l++) expect(changed).toContain(l);
    }
  });

  it('A...B is what a pull request shows: the branch against its merge base, not what the target gained since', async () => {
    const repo = gitRepo([{ message: 'Initial', files: { 'a.py': 'a = 1\n', 'b.py': 'b = 1\n' } }]);
    git(repo, ['checkout', '-q', '-b', 'feature']);
    writeTree(repo, { 'a.py': 'a = 2\n' });
    git(repo, ['commit', '-q', '-am', 'Change a']);
    git(repo, ['checkout', '-q', 'main']);
    writeTree(repo, { 'b.py': 'b = 2\n' });
    git(repo, ['commit', '-q', '-am', 'Change b on main']);
    const db = tempDbPath();
    const pr = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', 'main...feature', '--id', 'pr', '--db', db]);
    expect(pr.code, pr.err).toBe(0);
    expect(storedTask(db, 'pr').files.map((f) => f['path'])).toEqual(['a.py']);
    const two = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', 'main..feature', '--id', 'two-dot', '--db', db]);
    expect(two.code, two.err).toBe(0);
    expect(storedTask(db, 'two-dot').files.map((f) => f['path'])).toEqual(['a.py', 'b.py']);
  });

  it('--dry-run warns about a flaw anchored on lines the change does not touch (the issue\'s wrong-line anchor), naming the changed lines; nothing is written', async () => {
    const { repo, first } = repository();
    const db = tempDbPath();
    const r = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', `${first}..HEAD`, '--id', 'pr-1', '--merge', mergeFile([4, 4]), '--dry-run', '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('flaws[0].anchor: line 4 of the output of "src/calc.py" touches no changed line (the change is on output lines 3, 19–22 and base lines 3, 19): is the flaw anchored on the right lines?');
    expect(r.err).not.toContain('flaws[1]');
    expect(JSON.parse(r.out)).toMatchObject({ dryRun: true, tasks: 1, warnings: 2 }); // the binary file and the anchor
    const handle = openDatabase(db);
    expect(handle.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    handle.close();
  });

  it('refuses what is not a range of this repository, and never lets a revision be read as a git option', async () => {
    const { repo } = repository();
    const db = tempDbPath();
    const marker = path.join(tempDir(), 'written-by-git');
    for (const [range, message] of [
      [`--output=${marker}..HEAD`, 'is not a range: write A..B or A...B (revisions, not options)'],
      ['HEAD', 'is not a range'],
      ['HEAD~7..HEAD', '"HEAD~7" is not a commit of'],
      ['HEAD..no-such-branch', '"no-such-branch" is not a commit of'],
    ] as const) {
      const r = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, `--range=${range}`, '--db', db]);
      expect(r.code, range).toBe(1);
      expect(r.err).toContain(message);
      expect(r.err).toContain('nothing imported');
    }
    expect(fs.existsSync(marker)).toBe(false);
    const notRepo = await captureCli(['import', '--json', '--from', 'git', '--repo', tempDir(), '--range', 'A..B', '--db', db]);
    expect(notRepo.code).toBe(1);
    expect(notRepo.err).toMatch(/is not a commit of .*not a git repository/);
    const usage = await captureCli(['import', '--json', 'x.jsonl', '--from', 'git', '--repo', repo, '--range', 'HEAD~1..HEAD', '--db', db]);
    expect(usage.code).toBe(2);
    expect((await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', 'HEAD~1..HEAD', '--before', repo, '--db', db])).err).toContain('--before does not apply to --from git');
    expect((await captureCli(['import', '--json', 'a.jsonl', '--id', 'x', '--db', db])).err).toContain('--id needs --from git|patch|dirs|sarif');
  });

  it('--merge: only flaws, critiques and context; errors name the file and the key, and the importer checks every anchor (path required)', async () => {
    const { repo, first } = repository();
    const db = tempDbPath();
    const base = ['import', '--from', 'git', '--repo', repo, '--range', `${first}..HEAD`, '--db', db];
    const bad = writeJson('bad.json', { flaws: [], meta: {} });
    let r = await captureCli([...base, '--merge', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--merge ${bad}: meta: unknown key: a merge file holds only "flaws", "critiques" and "context"`);
    const noPath = writeJson('nopath.json', { flaws: [{ id: 'f', description: 'd', anchor: { lines: [3, 3] } }] });
    r = await captureCli([...base, '--merge', noPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('flaws[0].anchor: the task has 5 files: say which with "path"');
    const notJson = path.join(tempDir(), 'x.json');
    fs.writeFileSync(notJson, '{"flaws": [');
    r = await captureCli([...base, '--merge', notJson]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--merge ${notJson}: (json): not valid JSON`);
    const handle = openDatabase(db);
    expect(handle.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    handle.close();
  });
});

describe('assay import --from patch', () => {
  it("applies git format-patch output (a series of two commits) to the first commit's tree: the same files as --from git", async () => {
    const { repo, first } = repository();
    const series = path.join(tempDir(), 'series.patch');
    fs.writeFileSync(series, git(repo, ['format-patch', '-M', '--stdout', `${first}..HEAD`]));
    const tree = checkoutTree(repo, first);
    const db = tempDbPath();
    const merge = mergeFile([3, 3]);
    const viaPatch = await captureCli(['import', '--json', series, '--from', 'patch', '--base', tree, '--id', 'via-patch', '--merge', merge, '--db', db]);
    expect(viaPatch.code, viaPatch.err).toBe(0);
    expect(viaPatch.err).toMatch(/logo\.png: left out: a binary file/);
    const viaGit = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', `${first}..HEAD`, '--id', 'via-git', '--merge', merge, '--db', db]);
    expect(viaGit.code, viaGit.err).toBe(0);
    const p = storedTask(db, 'via-patch');
    expect(p.files).toEqual(storedTask(db, 'via-git').files);
    expect(p.source).toMatchObject({ title: 'Document mean (and 1 earlier patch)', context: { problem: expect.stringContaining('The loop missed the last item.') } });
    const changed = gitChangedLines(repo, first, 'HEAD', 'src/calc.py');
    for (const f of p.flaws) for (let l = f.resolved.lines[0]; l <= f.resolved.lines[1]; l++) expect(changed).toContain(l);
  });

  it('refuses a patch that does not apply, naming the file and the hunk; nothing is imported', async () => {
    const { repo, first } = repository();
    const patch = path.join(tempDir(), 'one.patch');
    fs.writeFileSync(patch, git(repo, ['diff', first, 'HEAD~1', '--', 'src/calc.py']));
    const tree = checkoutTree(repo, first);
    writeTree(tree, { 'src/calc.py': calcV1.replace('    return max(xs)', '    return max(xs)  # edited') });
    const db = tempDbPath();
    const r = await captureCli(['import', '--json', patch, '--from', 'patch', '--base', tree, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/src\/calc\.py: hunk 2: @@ -16,4 \+16,7 @@ does not apply to src\/calc\.py in --base/);
    expect(r.err).toContain('nothing imported');
  });

  it('never reads outside --base: ".." paths and symbolic links out of the tree are refused', async () => {
    const tree = tempDir('assay-base-');
    writeTree(tree, { 'ok.py': 'a\n' });
    const outside = path.join(tempDir(), 'secret.py');
    fs.writeFileSync(outside, 'secret\n');
    fs.symlinkSync(outside, path.join(tree, 'link.py'));
    const db = tempDbPath();
    const dotdot = path.join(tempDir(), 'dotdot.patch');
    fs.writeFileSync(dotdot, `--- a/../secret.py\n+++ b/../secret.py\n@@ -1 +1 @@\n-secret\n+changed\n`);
    let r = await captureCli(['import', '--json', dotdot, '--from', 'patch', '--base', tree, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('path: a path must not contain ".."');
    const link = path.join(tempDir(), 'link.patch');
    fs.writeFileSync(link, `--- a/link.py\n+++ b/link.py\n@@ -1 +1 @@\n-secret\n+changed\n`);
    r = await captureCli(['import', '--json', link, '--from', 'patch', '--base', tree, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('link.py leads outside --base');
    expect(r.err).not.toContain('secret\n');
  });
});

describe('assay import --from dirs', () => {
  it('turns two trees into the same task as the commits they hold; links are left out with a note', async () => {
    const { repo, first } = repository();
    const before = checkoutTree(repo, first);
    const after = checkoutTree(repo, 'HEAD');
    fs.symlinkSync('/etc/hostname', path.join(after, 'host.txt'));
    const db = tempDbPath();
    const viaDirs = await captureCli(['import', '--json', '--from', 'dirs', '--before', before, '--after', after, '--id', 'via-dirs', '--language', 'text', '--db', db]);
    expect(viaDirs.code, viaDirs.err).toBe(0);
    expect(viaDirs.err).toMatch(/--after host\.txt: left out: a symbolic link/);
    expect(viaDirs.err).toMatch(/logo\.png: left out: a binary file/);
    const viaGit = await captureCli(['import', '--json', '--from', 'git', '--repo', repo, '--range', `${first}..HEAD`, '--id', 'via-git', '--language', 'text', '--db', db]);
    expect(viaGit.code, viaGit.err).toBe(0);
    // dirs cannot see renames: the renamed file is a deletion and a new file
    const strip = (files: Record<string, unknown>[]) => files.filter((f) => !String(f['path']).includes('name'));
    expect(strip(storedTask(db, 'via-dirs').files)).toEqual(strip(storedTask(db, 'via-git').files));
    expect(storedTask(db, 'via-dirs').files.filter((f) => String(f['path']).includes('name'))).toEqual([
      { path: 'new_name.py', output: 'x = 1\ny = 3\n', language: 'text' },
      { path: 'old_name.py', output: '', base: 'x = 1\ny = 2\n', language: 'text', deleted: true },
    ]);
    expect(storedTask(db, 'via-dirs').source['language']).toBe('text');
  });

  it('refuses two identical trees and a missing folder', async () => {
    const a = tempDir();
    writeTree(a, { 'x.py': 'x\n' });
    const db = tempDbPath();
    let r = await captureCli(['import', '--json', '--from', 'dirs', '--before', a, '--after', a, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('files: the change touches no text file');
    r = await captureCli(['import', '--json', '--from', 'dirs', '--before', a, '--after', path.join(a, 'nope'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--after: ');
    expect(r.err).toContain('no such folder');
  });
});
