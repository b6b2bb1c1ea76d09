import { z } from 'zod';

// The files of a multi-file code task (task format 1.1): paths and the file object. A path is a
// name, never a place on a disk: it is shown, matched against SARIF artifacts and anchors, and
// written back into exports; it is never opened. It must still be unambiguous, so only one spelling
// of each path is accepted (no `./`, no `..`, no backslashes, no absolute or drive paths).

/** The longest path accepted, in UTF-16 units. */
export const MAX_PATH_LENGTH = 1024;

/**
 * Why `path` is not an accepted file path of a task, or null when it is: relative, `/`-separated,
 * no empty, `.` or `..` segments, no backslash, no control characters, not absolute (`/x`, `C:x`,
 * `//host`), at most {@link MAX_PATH_LENGTH} long. The message says what to write instead where it can.
 */
export function taskPathProblem(path: string): string | null {
  if (path.length === 0) return 'a path must not be empty';
  if (path.length > MAX_PATH_LENGTH) return `a path must be at most ${MAX_PATH_LENGTH} characters long`;
  if (/[\u0000-\u001f\u007f]/.test(path)) return `a path must not contain control characters (${JSON.stringify(path)})`;
  if (path.includes('\\')) return `a path uses "/" between folders, not "\\" (${JSON.stringify(path)}: write ${JSON.stringify(path.replace(/\\/g, '/'))})`;
  if (path.startsWith('/')) return `a path is relative to the change's root, never absolute (${JSON.stringify(path)}: write ${JSON.stringify(path.replace(/^\/+/, ''))})`;
  if (/^[A-Za-z]:/.test(path)) return `a path is relative to the change's root, never a drive path (${JSON.stringify(path)})`;
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return `a path must not contain ".." (${JSON.stringify(path)})`;
  if (segments.some((s) => s === '.' || s === '')) {
    const clean = segments.filter((s) => s !== '.' && s !== '').join('/');
    return `a path must be written without "./", "//" or a trailing "/" (${JSON.stringify(path)}${clean ? `: write ${JSON.stringify(clean)}` : ''})`;
  }
  return null;
}

/**
 * {@link taskPathProblem} as a regular expression (ECMA-262, for the JSON Schema's `pattern`): no
 * drive or leading `/`, no `//`, no trailing `/`, no `.` or `..` segment, no backslash or control
 * character, 1–1024 characters. A property test keeps the two in agreement.
 */
export const TASK_PATH_PATTERN = '^(?![A-Za-z]:)(?!/)(?!.*//)(?!.*/$)(?!(?:.*/)?\\.\\.?(?:/|$))[^\\\\\\u0000-\\u001f\\u007f]{1,1024}$';

/** A file path of a multi-file task: see {@link taskPathProblem}. */
export const TaskPathSchema = z.string().superRefine((p, ctx) => {
  const problem = taskPathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * One file of a multi-file code task. With `base` the evaluator sees a diff from `base` to `output`,
 * without it new code; a deleted file has `base`, an empty `output` and `deleted: true`. Open like
 * the task: unknown fields are kept and exported, never shown.
 */
export const TaskFileSchema = z
  .object({
    path: TaskPathSchema,
    output: z.string(),
    base: z.string().optional(),
    language: z.string().optional(),
    deleted: z.boolean().optional(),
    /** The file's path at `base`'s side when it was renamed (shown; anchors use `path`). */
    renamed_from: TaskPathSchema.optional(),
  })
  .passthrough();
/** One file of a multi-file code task, as written in a task package. */
export type TaskFileInput = z.infer<typeof TaskFileSchema>;

/** One file as the back end and the evaluator see it (no unknown fields). A type, not an interface: it is also a task-format object (open, with an index signature). */
export type TaskFile = {
  readonly path: string;
  readonly output: string;
  readonly base?: string;
  readonly language?: string;
  readonly deleted?: boolean;
  readonly renamed_from?: string;
};

/** Problems of a file list beyond each file's shape: duplicate paths, inconsistent deletions. `at` is the index in the list. */
export function fileListProblems(files: readonly TaskFileInput[]): { at: number; field: string; message: string }[] {
  const out: { at: number; field: string; message: string }[] = [];
  const seen = new Map<string, number>();
  files.forEach((f, i) => {
    // Two spellings of one name (NFC/NFD, as macOS and Linux write "é") would be two files that look the same.
    const key = f.path.normalize('NFC');
    const other = seen.get(key);
    if (other !== undefined) out.push({ at: i, field: 'path', message: `duplicate path ${JSON.stringify(f.path)} (also files[${other}])` });
    else seen.set(key, i);
    if (f.deleted === true) {
      if (f.base === undefined) out.push({ at: i, field: 'deleted', message: 'a deleted file needs its "base" (the content it had)' });
      if (f.output !== '') out.push({ at: i, field: 'output', message: 'a deleted file has an empty "output"' });
    }
  });
  return out;
}

/** The file of `files` with path `path`, or undefined. */
export function findFile<F extends { readonly path: string }>(files: readonly F[], path: string): F | undefined {
  return files.find((f) => f.path === path);
}

/** A file as shown: only the known fields, in a fixed order (content hashes depend on it). */
export function shownFile(f: TaskFileInput | TaskFile): TaskFile {
  return {
    path: f.path,
    output: f.output,
    ...(typeof f.base === 'string' ? { base: f.base } : {}),
    ...(typeof f.language === 'string' ? { language: f.language } : {}),
    ...(f.deleted === true ? { deleted: true } : {}),
    ...(typeof f.renamed_from === 'string' ? { renamed_from: f.renamed_from } : {}),
  };
}
