import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/server.js';

// The README's "Which Node runs what": Node 20.19+ runs the CLI, browser mode, the build and the
// tests; only the desktop packaging tools (Electron and electron-builder's helpers) ask for Node
// 22.12+, and those are what npm's EBADENGINE warnings on Node 20 name. This test keeps that true
// when dependencies change.

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Whether `version` (x.y.z) satisfies a node engines range of the forms npm packages use (>=, ^, x, ||). */
function satisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]): number => (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!);
  const parse = (s: string): number[] => {
    const parts = s.replace(/^v/, '').split('.').filter((p) => p !== 'x' && p !== '*');
    return [Number(parts[0] ?? 0), Number(parts[1] ?? 0), Number(parts[2] ?? 0)];
  };
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        if (c === '*' || c === 'x') return true;
        const m = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(c)!;
        const op = m[1] ?? '';
        const b = parse(m[2]!);
        const major = m[2]!.split('.')[0];
        switch (op) {
          case '>=':
            return cmp(v, b) >= 0;
          case '>':
            return cmp(v, b) > 0;
          case '<=':
            return cmp(v, b) <= 0;
          case '<':
            return cmp(v, b) < 0;
          case '^':
            return v[0] === b[0] && cmp(v, b) >= 0;
          case '~':
            return v[0] === b[0] && v[1] === b[1] && cmp(v, b) >= 0;
          default:
            // "20", "20.x", "20.19.0"
            return m[2]!.split('.').length === 1 || /\.x$/.test(m[2]!) ? String(v[0]) === major : cmp(v, b) === 0;
        }
      }),
  );
}

/** The lock file's package locations (node_modules/…) whose engines field refuses `version`. */
function refusing(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([where, entry]) => {
      const node = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      return where !== '' && node !== undefined && !satisfies(version, node);
    })
    .map(([where]) => where)
    .sort();
}

/** Where a dependency `name` of the package at `from` resolves (Node's lookup: nearest node_modules up the tree). */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/** The project's direct dependencies from which the package at `target` is reached. */
function reachedFrom(target: string): string[] {
  const roots = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
  return roots.filter((root) => {
    const seen = new Set<string>();
    const stack = [resolve('', root)!];
    while (stack.length) {
      const at = stack.pop()!;
      if (at === target) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      const entry = lock.packages[at]!;
      for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
        const next = resolve(at, d);
        if (next) stack.push(next);
      }
    }
    return false;
  });
}

describe('which Node runs what (README)', () => {
  it('the range parser reads the forms in the lock file', () => {
    expect(satisfies('20.19.0', '>=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '>= 22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.19.0', '^20.17.0 || >=22.9.0')).toBe(true);
    expect(satisfies('20.19.0', '20.x || 22.x || 23.x')).toBe(true);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('20.18.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '*')).toBe(true);
    expect(satisfies('20.19.0', '>=16 || 14 >=14.17')).toBe(true);
  });

  it('package.json asks for Node 20.19+, and the README says so', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    expect(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toMatch(/Node 20\.19\+/);
  });

  it('on Node 20.19 only Electron and the packaging helpers refuse, all reached only from electron or electron-builder', () => {
    const refused = refusing('20.19.0');
    expect(refused.map((where) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length)).sort()).toEqual([
      '@electron-internal/extract-zip',
      '@electron/get',
      '@electron/rebuild',
      'electron',
      'node-abi',
    ]);
    for (const where of refused) {
      expect(lock.packages[where]!.dev, where).toBe(true);
      const roots = reachedFrom(where);
      expect(roots.length > 0 && roots.every((root) => root === 'electron' || root === 'electron-builder'), `${where}: ${roots.join(', ')}`).toBe(true);
    }
    // and Node 22.12 satisfies them all
    for (const where of refused) expect(refusing('22.12.0')).not.toContain(where);
  });
});
