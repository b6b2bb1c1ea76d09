import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TASK_PATH_PATTERN, taskPathProblem } from '../../shared/task-files.js';
import { validateTask, type TaskValidation } from '../../shared/task-format.js';
import { validateTask as validateTask010 } from '../fixtures/assay-0.1.0/task-format.js';
import { repoRoot } from '../helpers/server.js';

// Task format 1.1: multi-file code tasks (`files`, anchors with `path`) and `requires`.

const issues = (r: TaskValidation | ReturnType<typeof validateTask010>): string[] => (r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`));

const multi = {
  id: 'pr-7',
  kind: 'code',
  title: 'Fix the parser',
  language: 'python',
  requires: [{ feature: 'multi-file', assay: '0.2.0' }],
  files: [
    { path: 'src/a.py', base: 'def f(x):\n    return x\n', output: 'def f(x):\n    return x + 1\n' },
    { path: 'src/b.py', output: 'import a\nprint(a.f(1))\n', language: 'python' },
    { path: 'old.txt', base: 'gone\n', output: '', deleted: true },
    { path: 'docs/🎉.md', base: 'x\r\ny\r\n', output: 'x\r\nz 🎉 ok\r\n', renamed_from: 'docs/party.md' },
  ],
  critiques: [
    { id: 'c1', text: 'Off by one.', anchor: { path: 'src/a.py', lines: [2, 2] } },
    { id: 'c2', text: 'Was fine.', anchor: { path: 'src/a.py', lines: [2, 2], side: 'base' } },
    { id: 'c3', text: 'Prints.', anchor: { path: 'src/b.py', quote: 'print' } },
    { id: 'c4', text: 'Deleted.', anchor: { path: 'old.txt', lines: [1, 1], side: 'base' } },
    { id: 'c5', text: 'ok', anchor: { path: 'docs/🎉.md', start: 5, end: 7 } },
  ],
  flaws: [{ id: 'f1', description: 'x + 1 is wrong', anchor: { path: 'src/a.py', lines: [2, 2] }, critiques: ['c1'] }],
};

describe('multi-file code tasks (format 1.1)', () => {
  it('resolves anchors in the file their path names, on either side, with the path in the result', () => {
    const r = validateTask(multi);
    if (!r.ok) throw new Error(issues(r).join('\n'));
    const [c1, c2, c3, c4, c5] = r.value.critiqueAnchors;
    expect(c1).toMatchObject({ path: 'src/a.py', side: 'output', lines: [2, 2] });
    expect(multi.files[0]!.output.slice(c1!.start16, c1!.end16)).toBe('    return x + 1');
    expect(multi.files[0]!.base!.slice(c2!.start16, c2!.end16)).toBe('    return x');
    expect(c3).toMatchObject({ path: 'src/b.py', lines: [2, 2] });
    expect(c4).toMatchObject({ path: 'old.txt', side: 'base' });
    expect(multi.files[3]!.output.slice(c5!.start16, c5!.end16)).toBe('🎉 ');
    expect(r.value.flawAnchors[0]).toMatchObject({ path: 'src/a.py' });
  });

  it('leaves every v1 task as it was: no path in its resolved anchors', () => {
    const v1 = { id: 's', kind: 'code', base: 'a\nb\n', output: 'a\nc\n', critiques: [{ id: 'c', text: 't', anchor: { lines: [2, 2] } }] };
    const r = validateTask(v1);
    expect(r.ok && r.value.critiqueAnchors[0]).toEqual({ start: 2, end: 3, start16: 2, end16: 3, lines: [2, 2], side: 'output' });
  });

  it.each([
    [{ ...multi, output: 'x' }, 'files: a task has either "output" or "files", not both'],
    [{ ...multi, kind: 'summary' }, 'files: only code tasks have "files"'],
    [{ ...multi, base: 'x' }, 'base: a multi-file task keeps "base" in each file (files[].base), not beside them'],
    [{ ...multi, files: [] }, 'files: a multi-file task has at least one file'],
    [{ id: 'x', kind: 'code' }, 'output: required (string)'],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1] } }] }, /^critiques\[0\]\.anchor: the task has 4 files: say which with "path" \("src\/a\.py", "src\/b\.py", "old\.txt", "docs\/🎉\.md"\)$/m],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: 'src/c.py' } }] }, /^critiques\[0\]\.anchor\.path: no file "src\/c\.py" in this task/],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: 'src/b.py', side: 'base' } }] }, 'critiques[0].anchor.side: side "base" needs a file with "base": "src/b.py" is a new file'],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: 'old.txt' } }] }, /^critiques\[0\]\.anchor\.side: "old\.txt" was deleted: anchor its old lines/],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [3, 3], path: 'src/a.py' } }] }, 'critiques[0].anchor.lines: line 3 is past the end (2 lines)'],
    [{ id: 's', kind: 'code', output: 'a\n', critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: 'a.py' } }] }, /^critiques\[0\]\.anchor\.path: "path" points into a file of a multi-file task, but this task has no "files"$/],
    [{ ...multi, files: [multi.files[0], { ...multi.files[1], path: 'src/a.py' }] }, 'files[1].path: duplicate path "src/a.py" (also files[0])'],
    [{ ...multi, files: [{ path: 'caf\u00e9.py', output: '' }, { path: 'cafe\u0301.py', output: '' }] }, /^files\[1\]\.path: duplicate path/],
    [{ ...multi, files: [{ path: './a.py', output: '' }] }, 'files[0].path: a path must be written without "./", "//" or a trailing "/" ("./a.py": write "a.py")'],
    [{ ...multi, files: [{ path: 'src/../../etc/passwd', output: '' }] }, 'files[0].path: a path must not contain ".." ("src/../../etc/passwd")'],
    [{ ...multi, files: [{ path: '/etc/passwd', output: '' }] }, /^files\[0\]\.path: a path is relative to the change's root, never absolute/],
    [{ ...multi, files: [{ path: 'C:\\x.py', output: '' }] }, /^files\[0\]\.path: a path uses "\/" between folders/],
    [{ ...multi, files: [{ path: 'gone.py', output: 'x', deleted: true }] }, /files\[0\]\.deleted: a deleted file needs its "base"[\s\S]*files\[0\]\.output: a deleted file has an empty "output"/],
    [{ ...multi, critiques: [], flaws: [], requires: [{ feature: 'images', assay: '0.9.0' }] }, 'requires[0]: this task needs Assay ≥ 0.9.0 (feature "images"), which this Assay does not know: update Assay to import it'],
    [{ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: 'src/a.py', file: 'b' } }] }, /^critiques\[0\]\.anchor: unknown field "file"/],
  ])('refuses a task with a problem (%#), naming the field', (task, expected) => {
    const found = issues(validateTask(task)).join('\n');
    if (typeof expected === 'string') expect(found).toContain(expected);
    else expect(found).toMatch(expected);
  });

  it('keeps evidence anchors path-free: they point into context.document', () => {
    const task = { id: 's', kind: 'summary', output: 'o', context: { document: 'doc' }, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'doc', path: 'a.md' } }] }] };
    expect(issues(validateTask(task))).toEqual([expect.stringMatching(/^critiques\[0\]\.evidence\[0\]\.anchor: unknown field "path"/)]);
  });

  it('is refused by Assay 0.1.0 (its validator, test/fixtures/assay-0.1.0): never read as an empty single-file task', () => {
    // What an older Assay does with a 1.1 line: `output` is required there, and an anchor with a
    // path has an unknown field. It cannot name the version (it knows nothing of 1.1), but it
    // cannot misread the task either.
    expect(issues(validateTask010(multi))).toContain('output: required (string)');
    expect(issues(validateTask010({ ...multi, files: undefined, output: 'x\n' })).join('\n')).toMatch(/critiques\[0\]\.anchor: unknown field "path"/);
  });
});

describe('task paths', () => {
  it("the JSON Schema's pattern agrees with the importer's rule (property)", () => {
    const re = new RegExp(TASK_PATH_PATTERN);
    const seg = fc.oneof(fc.constantFrom('.', '..', '', 'a', '.git', 'é', 'C:', 'x\\y', ' ', '\u0001'), fc.string({ maxLength: 4 }));
    const p = fc.oneof(fc.array(seg, { maxLength: 4 }).map((s) => s.join('/')), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(p, (x) => {
        expect(re.test(x), JSON.stringify(x)).toBe(taskPathProblem(x) === null);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the JSON Schema of format 1.1 (schema/task-v1.1.schema.json)', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema', 'task-v1.1.schema.json'), 'utf8')) as object;
  const check = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  it('accepts v1 and 1.1 tasks and refuses the shapes the importer refuses', () => {
    expect(check(multi), JSON.stringify(check.errors)).toBe(true);
    expect(check({ id: 's', kind: 'summary', output: 'o' })).toBe(true);
    expect(check({ ...multi, output: 'x' })).toBe(false);
    expect(check({ ...multi, kind: 'summary' })).toBe(false);
    expect(check({ ...multi, base: 'x' })).toBe(false);
    expect(check({ id: 'x', kind: 'code' })).toBe(false);
    expect(check({ ...multi, files: [{ path: '../x', output: '' }] })).toBe(false);
    expect(check({ ...multi, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], path: '/abs' } }] })).toBe(false);
  });
});
