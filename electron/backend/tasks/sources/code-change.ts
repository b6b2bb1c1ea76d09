import fs from 'node:fs';
import path from 'node:path';
import { multiFileRequirement } from '../../../../shared/requires.js';
import { taskPathProblem } from '../../../../shared/task-files.js';
import { isObject, parseForeignJson, type SourceContext } from './source.js';

// What the code-review sources (git, patch, dirs) share: a change as a list of files with both
// sides as bytes, turned into one multi-file code task (task format 1.1), with the `--id`,
// `--title`, `--language` overrides and the `--merge` file applied. The importer validates the
// result like any task line (paths, anchors with `path`, ids).

/** One file a change touches: its content at both ends (null: absent on that side). */
export interface ChangedFile {
  /** The path after the change (before it, for a deleted file). */
  readonly path: string;
  /** The path before the change, when the file was renamed. */
  readonly renamedFrom?: string;
  readonly before: Buffer | null;
  readonly after: Buffer | null;
}

/** The largest file read whole on either side (larger ones are left out with a note). */
export const MAX_CHANGE_FILE_BYTES = 16 * 1024 * 1024;

/** The largest `--merge` file read. */
const MAX_MERGE_BYTES = 64 * 1024 * 1024;

/** Languages by file extension, for Monaco's highlighting (`--language` overrides them all). */
const LANGUAGES: Readonly<Record<string, string>> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.java': 'java',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.hpp': 'cpp',
  '.cs': 'csharp',
  '.go': 'go',
  '.rs': 'rust',
  '.rb': 'ruby',
  '.php': 'php',
  '.kt': 'kotlin',
  '.swift': 'swift',
  '.scala': 'scala',
  '.sh': 'shell',
  '.sql': 'sql',
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.md': 'markdown',
  '.html': 'html',
  '.css': 'css',
};

/** The language of a path by its extension, or undefined. */
export function languageOf(file: string): string | undefined {
  return LANGUAGES[path.extname(file).toLowerCase()];
}

/**
 * The text of a file's bytes, or why it is left out: a NUL byte in the first 8,000 bytes (git's
 * test for binary files) or bytes that are not UTF-8 make it binary; a file over
 * {@link MAX_CHANGE_FILE_BYTES} is too large.
 */
export function fileText(bytes: Buffer): { ok: true; text: string } | { ok: false; why: string } {
  if (bytes.length > MAX_CHANGE_FILE_BYTES) return { ok: false, why: `larger than ${MAX_CHANGE_FILE_BYTES / (1024 * 1024)} MiB` };
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, why: 'a binary file' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, why: 'not UTF-8 text (a binary file or another encoding)' };
  }
}

/** What the task gets besides its files: defaults the overrides replace. */
export interface ChangeDefaults {
  readonly id: string;
  readonly title?: string;
  readonly problem?: string;
  readonly meta?: Record<string, unknown>;
}

/**
 * Reads and checks the `--merge` file: a JSON object with only `flaws` and `critiques` (arrays)
 * and `context` (an object). Problems go to `ctx.error` naming the file and the key.
 */
export function readMergeFile(ctx: SourceContext, file: string): { flaws?: unknown[]; critiques?: unknown[]; context?: Record<string, unknown> } | null {
  const where = `--merge ${file}`;
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      ctx.error(where, '(file)', 'not a file');
      return null;
    }
    if (stat.size > MAX_MERGE_BYTES) {
      ctx.error(where, '(file)', `larger than ${MAX_MERGE_BYTES / (1024 * 1024)} MiB`);
      return null;
    }
    const bytes = fs.readFileSync(file);
    const decoded = fileText(bytes);
    if (!decoded.ok) {
      ctx.error(where, '(file)', 'not UTF-8 text');
      return null;
    }
    text = decoded.text;
  } catch (err) {
    ctx.error(where, '(file)', `cannot read it: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return null;
  }
  const parsed = parseForeignJson(text);
  if (!parsed.ok) {
    ctx.error(where, parsed.field, parsed.message);
    return null;
  }
  const value = parsed.value;
  if (!isObject(value)) {
    ctx.error(where, '(json)', 'expected a JSON object with "flaws", "critiques" and/or "context"');
    return null;
  }
  let ok = true;
  for (const key of Object.keys(value)) {
    if (key !== 'flaws' && key !== 'critiques' && key !== 'context') {
      ctx.error(where, key, `unknown key: a merge file holds only "flaws", "critiques" and "context"`);
      ok = false;
    }
  }
  for (const key of ['flaws', 'critiques'] as const) {
    if (value[key] !== undefined && !Array.isArray(value[key])) {
      ctx.error(where, key, 'expected an array');
      ok = false;
    }
  }
  if (value['context'] !== undefined && !isObject(value['context'])) {
    ctx.error(where, 'context', 'expected an object');
    ok = false;
  }
  if (!ok) return null;
  return value as { flaws?: unknown[]; critiques?: unknown[]; context?: Record<string, unknown> };
}

/**
 * Builds one multi-file code task from a change and emits it: files whose sides are equal are left
 * out, binary and too large files are left out with a warning naming them; `--id`, `--title`,
 * `--language` replace the defaults; `--merge` adds flaws and critiques and its `context` keys
 * replace the generated ones. A change with no text file left is an error.
 */
export function emitChange(ctx: SourceContext, changed: readonly ChangedFile[], defaults: ChangeDefaults): void {
  const o = ctx.options;
  const files: Record<string, unknown>[] = [];
  for (const f of [...changed].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // SECURITY: a path is only a name in the task; the sources never open a path that fails this test.
    const problem = taskPathProblem(f.path);
    if (problem) {
      ctx.error(f.path, 'path', problem);
      continue;
    }
    if (f.before !== null && f.after !== null && f.before.equals(f.after) && f.renamedFrom === undefined) continue;
    const before = f.before === null ? null : fileText(f.before);
    const after = f.after === null ? null : fileText(f.after);
    const left = [before, after].find((x) => x !== null && !x.ok) as { ok: false; why: string } | undefined;
    if (left) {
      ctx.warn(f.path, `left out: ${left.why}`);
      continue;
    }
    const base = before?.ok ? before.text : undefined;
    const output = after?.ok ? after.text : '';
    const language = o.language ?? languageOf(f.path);
    files.push({
      path: f.path,
      output,
      ...(base !== undefined ? { base } : {}),
      ...(language !== undefined ? { language } : {}),
      ...(f.after === null ? { deleted: true } : {}),
      ...(f.renamedFrom !== undefined ? { renamed_from: f.renamedFrom } : {}),
    });
  }
  const merge = o.merge !== undefined ? readMergeFile(ctx, o.merge) : undefined;
  if (ctx.failed) return;
  if (files.length === 0) {
    ctx.error(null, 'files', changed.length === 0 ? 'the change touches no file' : 'the change touches no text file (every changed file was left out: see the warnings)');
    return;
  }
  const context: Record<string, unknown> = { ...(defaults.problem ? { problem: defaults.problem } : {}), ...(merge?.context ?? {}) };
  const title = o.title ?? defaults.title;
  ctx.emit(
    {
      id: o.id ?? defaults.id,
      kind: 'code',
      ...(title !== undefined ? { title } : {}),
      ...(o.language !== undefined ? { language: o.language } : {}),
      ...(Object.keys(context).length ? { context } : {}),
      files,
      ...(merge?.critiques ? { critiques: merge.critiques } : {}),
      ...(merge?.flaws ? { flaws: merge.flaws } : {}),
      ...(defaults.meta ? { meta: defaults.meta } : {}),
      requires: [multiFileRequirement()],
    },
    0,
  );
}

/** A directory given by a flag, resolved; an error naming the flag when it is not a directory. */
export function requireDir(ctx: SourceContext, flag: string, dir: string | undefined): string | null {
  if (dir === undefined) {
    ctx.error(null, flag, `give ${flag} DIR`);
    return null;
  }
  try {
    if (!fs.statSync(dir).isDirectory()) {
      ctx.error(null, flag, `${dir} is not a folder`);
      return null;
    }
  } catch {
    ctx.error(null, flag, `${dir}: no such folder`);
    return null;
  }
  return fs.realpathSync(dir);
}
