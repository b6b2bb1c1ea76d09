import fs from 'node:fs';
import path from 'node:path';
import { emitChange, MAX_CHANGE_FILE_BYTES, requireDir, type ChangedFile } from './code-change.js';
import type { SourceContext, TaskSource } from './source.js';

/** The most files read from one tree (a change is a review item, not a whole disk). */
export const MAX_TREE_FILES = 20_000;

/**
 * The regular files under `root` as `/`-separated relative paths. Symbolic links, special files and
 * `.git` folders are not followed; each skipped entry is a warning.
 */
function listTree(ctx: SourceContext, root: string, side: string): Map<string, string> | null {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): boolean => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === '.git') continue;
        if (!walk(full, relPath)) return false;
      } else if (e.isFile()) {
        if (out.size >= MAX_TREE_FILES) {
          ctx.error(null, side, `more than ${MAX_TREE_FILES} files under ${root}`);
          return false;
        }
        out.set(relPath, full);
      } else {
        // SECURITY: a link could point outside the tree (or at /dev/zero); never follow one.
        ctx.warn(`${side} ${relPath}`, e.isSymbolicLink() ? 'left out: a symbolic link' : 'left out: not a regular file');
      }
    }
    return true;
  };
  return walk(root, '') ? out : null;
}

const read = (file: string | undefined): Buffer | null => {
  if (file === undefined) return null;
  // a file larger than the cap is not read whole: a stand-in of cap + 1 bytes makes it "too large"
  const size = fs.statSync(file).size;
  return size > MAX_CHANGE_FILE_BYTES ? Buffer.alloc(MAX_CHANGE_FILE_BYTES + 1, 0x20) : fs.readFileSync(file);
};

/** `--from dirs --before DIR --after DIR`: one code task from two directory trees (every file that differs). */
export const dirsSource: TaskSource = {
  name: 'dirs',
  summary: 'two directory trees (--before DIR --after DIR) as one multi-file code task',
  extensions: [],
  mapping: 'none',
  locate: () => '',
  columnNoun: 'key',
  readsFile: false,
  takes: ['before', 'after', 'id', 'title', 'language', 'merge'],
  label: (o) => `dirs ${o.before ?? '?'} → ${o.after ?? '?'}`,
  read(ctx) {
    const before = requireDir(ctx, '--before', ctx.options.before);
    const after = requireDir(ctx, '--after', ctx.options.after);
    if (before === null || after === null) return Promise.resolve();
    const a = listTree(ctx, before, '--before');
    const b = listTree(ctx, after, '--after');
    if (a === null || b === null) return Promise.resolve();
    const paths = [...new Set([...a.keys(), ...b.keys()])];
    const changed: ChangedFile[] = paths.map((p) => {
      const x = read(a.get(p));
      const y = read(b.get(p));
      return { path: p, before: x, after: y };
    });
    emitChange(ctx, changed, { id: path.basename(after) || 'change', title: `${path.basename(before)} → ${path.basename(after)}` });
    return Promise.resolve();
  },
};
