import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { emitChange, MAX_CHANGE_FILE_BYTES, requireDir, type ChangedFile } from './code-change.js';
import type { TaskSource } from './source.js';

// `--from git --repo DIR --range A..B`: the files a range of commits changes, read whole from git at
// both ends (renames found by -M, new and deleted files; binary files, submodules and symbolic links
// left out with a note), the commit messages as the problem statement. `A...B` is what a pull
// request of B into A shows: the change from their merge base to B.

/** The longest output read from one git command (a file's blob is capped before this). */
const MAX_GIT_OUTPUT = 256 * 1024 * 1024;

/** A revision as the user may write it in a range: no leading `-` (it would be read as an option), no spaces or control characters. */
const REVISION = /^[^-\s\u0000-\u001f\u007f][^\s\u0000-\u001f\u007f]*$/;

class GitError extends Error {}

function git(repo: string, args: readonly string[]): Buffer {
  try {
    // SECURITY: no shell; every revision is checked (no leading "-") and passed after
    // --end-of-options where git takes it; no textconv or external diff drivers run; the
    // repository's hooks are never triggered by these read-only commands.
    return execFileSync('git', ['-c', 'core.quotePath=false', '-c', 'core.fsmonitor=false', ...args], {
      cwd: repo,
      maxBuffer: MAX_GIT_OUTPUT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string; code?: string };
    if (e.code === 'ENOENT') throw new GitError('git is not installed (or not on PATH)');
    const stderr = e.stderr?.toString('utf8').trim();
    throw new GitError(stderr || e.message);
  }
}

/** The full commit id of a revision, or a GitError saying it is not one. */
function commitOf(repo: string, rev: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).toString('utf8').trim();
  } catch (err) {
    if (!(err instanceof GitError) || /not installed/.test(err.message)) throw err;
    throw new GitError(`${JSON.stringify(rev)} is not a commit of ${repo}${/not a git repository/i.test(err.message) ? ' (not a git repository)' : ''}`);
  }
}

/** One entry of `git diff --raw -z`. */
interface RawEntry {
  readonly oldMode: string;
  readonly newMode: string;
  readonly oldBlob: string;
  readonly newBlob: string;
  readonly status: string;
  readonly path: string;
  readonly oldPath?: string;
}

/** Parses `git diff --raw -z --no-abbrev` output: `:MODE MODE SHA SHA STATUS\0PATH\0[PATH\0]`. */
export function parseRawDiff(out: string): RawEntry[] {
  const parts = out.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < parts.length; ) {
    const head = parts[i++]!;
    if (head === '') continue;
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(head);
    if (!m) throw new GitError(`unexpected output of git diff --raw: ${JSON.stringify(head.slice(0, 80))}`);
    const status = m[5]!;
    if (status === 'R' || status === 'C') {
      const oldPath = parts[i++]!;
      const newPath = parts[i++]!;
      entries.push({ oldMode: m[1]!, newMode: m[2]!, oldBlob: m[3]!, newBlob: m[4]!, status, path: newPath, oldPath });
    } else entries.push({ oldMode: m[1]!, newMode: m[2]!, oldBlob: m[3]!, newBlob: m[4]!, status, path: parts[i++]! });
  }
  return entries;
}

const NULL_BLOB = /^0+$/;

/** `--from git`. */
export const gitSource: TaskSource = {
  name: 'git',
  summary: 'a range of commits of a git repository (--repo DIR --range A..B) as one multi-file code task',
  extensions: [],
  mapping: 'none',
  locate: () => '',
  columnNoun: 'key',
  readsFile: false,
  takes: ['repo', 'range', 'id', 'title', 'language', 'merge'],
  label: (o) => `git ${o.repo ?? '?'} ${o.range ?? '?'}`,
  read(ctx) {
    const repo = requireDir(ctx, '--repo', ctx.options.repo);
    const range = ctx.options.range;
    if (range === undefined) ctx.error(null, '--range', 'give --range A..B (the commits after A up to B) or A...B (B against its merge base with A)');
    if (repo === null || range === undefined) return Promise.resolve();
    const m = /^(.+?)(\.\.\.?)(.+)$/.exec(range);
    if (!m || !REVISION.test(m[1]!) || !REVISION.test(m[3]!)) {
      ctx.error(null, '--range', `${JSON.stringify(range)} is not a range: write A..B or A...B (revisions, not options)`);
      return Promise.resolve();
    }
    try {
      let from = commitOf(repo, m[1]!);
      const to = commitOf(repo, m[3]!);
      if (m[2] === '...') from = git(repo, ['merge-base', '--end-of-options', from, to]).toString('utf8').trim();
      const entries = parseRawDiff(git(repo, ['diff', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv', '--end-of-options', from, to]).toString('utf8'));
      const changed: ChangedFile[] = [];
      const blob = (sha: string): Buffer => {
        const size = Number(git(repo, ['cat-file', '-s', sha]).toString('utf8').trim());
        return size > MAX_CHANGE_FILE_BYTES ? Buffer.alloc(MAX_CHANGE_FILE_BYTES + 1, 0x20) : git(repo, ['cat-file', 'blob', sha]);
      };
      for (const e of entries) {
        const kinds = [e.oldMode, e.newMode].filter((x) => x !== '000000');
        if (kinds.some((k) => k === '160000')) {
          ctx.warn(e.path, 'left out: a submodule');
          continue;
        }
        if (kinds.some((k) => k === '120000')) {
          ctx.warn(e.path, 'left out: a symbolic link');
          continue;
        }
        const before = NULL_BLOB.test(e.oldBlob) || e.status === 'A' ? null : blob(e.oldBlob);
        const after = NULL_BLOB.test(e.newBlob) || e.status === 'D' ? null : blob(e.newBlob);
        changed.push({ path: e.path, before, after, ...(e.status === 'R' && e.oldPath !== undefined ? { renamedFrom: e.oldPath } : {}) });
      }
      // The commit messages, oldest first, as the problem statement; the newest subject as the title.
      const log = git(repo, ['log', '--reverse', '--format=%B%x00', '--end-of-options', `${from}..${to}`]).toString('utf8');
      const messages = log
        .split('\0')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const subject = messages.length ? messages[messages.length - 1]!.split('\n')[0]! : undefined;
      const name = path.basename(repo);
      emitChange(ctx, changed, {
        id: `${name}-${from.slice(0, 12)}..${to.slice(0, 12)}`,
        ...(subject !== undefined ? { title: messages.length > 1 ? `${subject} (and ${messages.length - 1} earlier commit${messages.length === 2 ? '' : 's'})` : subject } : {}),
        ...(messages.length ? { problem: messages.join('\n\n') } : {}),
        meta: { source: 'git', from, to, commits: messages.length },
      });
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      ctx.error(null, '--range', `git: ${err.message}`);
    }
    return Promise.resolve();
  },
};
