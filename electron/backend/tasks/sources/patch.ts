import fs from 'node:fs';
import path from 'node:path';
import { applyPatch, parsePatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';
import { taskPathProblem } from '../../../../shared/task-files.js';
import { emitChange, fileText, MAX_CHANGE_FILE_BYTES, requireDir, type ChangedFile } from './code-change.js';
import type { TaskSource } from './source.js';

// `assay import FILE.patch --from patch --base DIR`: what `git diff`, `git format-patch` (one patch or
// a series in one mbox file) or `diff -ru` wrote, parsed by jsdiff's parsePatch and applied by its
// applyPatch to the files under DIR to get both sides whole. A hunk that does not apply refuses the
// patch, naming the hunk; nothing is written.

/** The largest patch file read. */
const MAX_PATCH_BYTES = 256 * 1024 * 1024;

/** One message of a `git format-patch` series (or the whole file when it is a plain diff). */
interface PatchMessage {
  readonly subject?: string;
  readonly body?: string;
  readonly diff: string;
  /** 1-based line of the file where the message starts. */
  readonly line: number;
}

/**
 * Splits a patch file into its format-patch messages (each starting with `From <40 hex> `); a file
 * without such lines is one plain diff. The mail signature (`-- ` and what follows) is cut off: jsdiff
 * would read its first line as a removed line of the last hunk.
 */
export function splitMessages(text: string): PatchMessage[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (/^From [0-9a-f]{40} /.test(l)) starts.push(i);
  });
  if (starts.length === 0) return [{ diff: text, line: 1 }];
  return starts.map((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]! : lines.length;
    const msg = lines.slice(s, end);
    const blank = msg.findIndex((l) => l.trim() === '');
    const headers = (blank === -1 ? msg : msg.slice(0, blank)).join('\n').replace(/\n[ \t]+/g, ' ');
    const subject = /^Subject: (.*)$/m.exec(headers)?.[1]?.replace(/^\[PATCH[^\]]*\]\s*/, '').trim();
    const rest = blank === -1 ? [] : msg.slice(blank + 1);
    const sep = rest.findIndex((l) => l === '---' || l.startsWith('diff --git '));
    const body = (sep === -1 ? rest : rest.slice(0, sep)).join('\n').trim();
    let diffLines = sep === -1 ? [] : rest.slice(sep);
    const sig = diffLines.lastIndexOf('-- ');
    if (sig !== -1) diffLines = diffLines.slice(0, sig);
    return { ...(subject ? { subject } : {}), ...(body ? { body } : {}), diff: diffLines.join('\n'), line: s + 1 };
  });
}

/** A patch file name without `a/`/`b/` (or another first folder, as `patch -p1`); null for /dev/null. */
function stripName(name: string | undefined): string | null {
  if (name === undefined || name === '/dev/null') return null;
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

/**
 * The new names (without `b/`) of the files a git diff gives as binary: `GIT binary patch` (what
 * `git format-patch` writes by default; jsdiff parses it as a patch without hunks) or `Binary files … differ`.
 */
export function binaryFiles(diff: string): Set<string> {
  const out = new Set<string>();
  for (const block of diff.split(/^(?=diff --git )/m)) {
    if (!/^(GIT binary patch|Binary files .* differ)$/m.test(block)) continue;
    const m = /^diff --git (?:"?a\/)?(.*?)"? (?:"?b\/)(.*?)"?$/m.exec(block);
    if (m) out.add(m[2]!);
  }
  return out;
}

const hunkHeader = (h: StructuredPatchHunk): string => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;

/** The state of one path while a series is applied: where it came from and its text now (null: deleted). */
interface PathState {
  readonly origin: string | null;
  readonly text: string | null;
}

/** `--from patch`. */
export const patchSource: TaskSource = {
  name: 'patch',
  summary: 'a unified diff (git diff, git format-patch, diff -ru) applied to --base DIR, as one multi-file code task',
  extensions: ['.patch', '.diff'],
  mapping: 'none',
  locate: () => '',
  columnNoun: 'key',
  takes: ['base', 'id', 'title', 'language', 'merge'],
  read(ctx) {
    const base = requireDir(ctx, '--base', ctx.options.base);
    if (base === null) return Promise.resolve();
    const size = fs.statSync(ctx.file).size;
    if (size > MAX_PATCH_BYTES) {
      ctx.error(null, '(file)', `larger than ${MAX_PATCH_BYTES / (1024 * 1024)} MiB`);
      return Promise.resolve();
    }
    const decoded = fileText(fs.readFileSync(ctx.file));
    if (!decoded.ok && !/larger/.test(decoded.why)) {
      ctx.error(null, '(file)', 'not UTF-8 text');
      return Promise.resolve();
    }
    const text = decoded.ok ? decoded.text : fs.readFileSync(ctx.file, 'utf8');
    const originals = new Map<string, Buffer | null>();
    const original = (p: string): Buffer | null => {
      if (!originals.has(p)) {
        // SECURITY: the path comes from the patch: only a clean relative path is opened, and only
        // when it resolves (links followed) to a regular file inside --base.
        const full = path.join(base, p);
        let bytes: Buffer | null = null;
        try {
          const real = fs.realpathSync(full);
          if (real !== base && !real.startsWith(base + path.sep)) throw new Error(`${p} leads outside --base (a symbolic link)`);
          const stat = fs.statSync(real);
          if (stat.isFile()) bytes = stat.size > MAX_CHANGE_FILE_BYTES ? Buffer.alloc(MAX_CHANGE_FILE_BYTES + 1, 0x20) : fs.readFileSync(real);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        originals.set(p, bytes);
      }
      return originals.get(p)!;
    };
    const state = new Map<string, PathState>();
    const current = (p: string): PathState => {
      const s = state.get(p);
      if (s) return s;
      const bytes = original(p);
      const t = bytes === null ? null : fileText(bytes);
      return { origin: bytes === null ? null : p, text: t === null ? null : t.ok ? t.text : null };
    };
    const binary = new Set<string>();
    const messages = splitMessages(text);
    const subjects: string[] = [];
    const bodies: string[] = [];
    for (const [mi, msg] of messages.entries()) {
      const where = messages.length > 1 ? `patch ${mi + 1} of ${messages.length} (line ${msg.line})` : null;
      const at = (p: string): string => (where ? `${where}, ${p}` : p);
      if (msg.subject) subjects.push(msg.subject);
      if (msg.subject || msg.body) bodies.push([msg.subject, msg.body].filter(Boolean).join('\n\n'));
      let patches: StructuredPatch[];
      try {
        patches = parsePatch(msg.diff);
      } catch (err) {
        ctx.error(where, '(patch)', `not a unified diff: ${(err as Error).message}`);
        return Promise.resolve();
      }
      const binaryInGit = binaryFiles(msg.diff);
      for (const p of patches) {
        const oldPath = p.isCreate ? null : stripName(p.oldFileName);
        const newPath = p.isDelete ? null : stripName(p.newFileName);
        const name = newPath ?? oldPath;
        if (name === null) {
          if (p.hunks.length > 0) ctx.error(where, '(patch)', 'a file diff names no file (no ---/+++ or diff --git header)');
          continue;
        }
        let bad = false;
        for (const q of [oldPath, newPath]) {
          const problem = q === null ? null : taskPathProblem(q);
          if (problem) {
            ctx.error(at(q!), 'path', problem);
            bad = true;
          }
        }
        if (bad) continue;
        if (p.isBinary === true || (p.hunks.length === 0 && binaryInGit.has(name))) {
          binary.add(name);
          ctx.warn(at(name), 'left out: a binary file (its patch has no text)');
          continue;
        }
        const before: PathState = oldPath === null ? { origin: null, text: null } : current(oldPath);
        if (oldPath !== null && before.text === null) {
          const bytes = original(oldPath);
          ctx.error(at(oldPath), '(patch)', bytes === null || state.get(oldPath)?.text === null ? `the patch changes ${oldPath}, which is not in --base (${base})` : `${oldPath} in --base is not UTF-8 text`);
          continue;
        }
        if (oldPath === null && newPath !== null && current(newPath).text !== null) {
          ctx.error(at(newPath), '(patch)', `the patch creates ${newPath}, which is already in --base`);
          continue;
        }
        const source = before.text ?? '';
        const result = p.hunks.length === 0 ? source : applyPatch(source, p);
        if (result === false) {
          // name the first hunk that does not apply: apply growing prefixes of the hunk list
          let k = 1;
          while (k < p.hunks.length && applyPatch(source, { ...p, hunks: p.hunks.slice(0, k) }) !== false) k++;
          const h = p.hunks[k - 1]!;
          ctx.error(at(oldPath ?? name), `hunk ${k}`, `${hunkHeader(h)} does not apply to ${oldPath ?? name} in --base: its context or removed lines are not there`);
          continue;
        }
        if (oldPath !== null && oldPath !== newPath) state.set(oldPath, { origin: null, text: null });
        if (newPath !== null) state.set(newPath, { origin: before.origin, text: result });
        else state.set(oldPath!, { origin: before.origin, text: null });
      }
    }
    if (ctx.failed) return Promise.resolve();
    const changed: ChangedFile[] = [];
    for (const [p, s] of state) {
      if (binary.has(p)) continue;
      if (s.origin === null && s.text === null) {
        // deleted by a rename, or created and deleted again: the original is gone if it existed
        const bytes = original(p);
        if (bytes !== null && ![...state.values()].some((x) => x.origin === p)) changed.push({ path: p, before: bytes, after: null });
        continue;
      }
      const before = s.origin === null ? null : original(s.origin);
      changed.push({
        path: s.text === null && s.origin !== null ? s.origin : p,
        before,
        after: s.text === null ? null : Buffer.from(s.text, 'utf8'),
        ...(s.origin !== null && s.origin !== p && s.text !== null ? { renamedFrom: s.origin } : {}),
      });
    }
    emitChange(ctx, changed, {
      id: ctx.stem,
      title: subjects.length ? (subjects.length > 1 ? `${subjects[subjects.length - 1]} (and ${subjects.length - 1} earlier patch${subjects.length === 2 ? '' : 'es'})` : subjects[0]!) : path.basename(ctx.file),
      ...(bodies.length ? { problem: bodies.join('\n\n') } : {}),
      meta: { source: 'patch', patch: path.basename(ctx.file) },
    });
    return Promise.resolve();
  },
};
