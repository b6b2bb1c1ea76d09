import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/server.js';

// The README shows each screen in one theme and links both: every screenshot it names exists, each
// comes as a light and dark pair in docs/screenshots/, and each screen it names is linked in both.

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const dir = path.join(repoRoot, 'docs', 'screenshots');

describe('README screenshots', () => {
  it('every screenshot the README names exists, and every screen is linked in both themes', () => {
    const named = [...readme.matchAll(/docs\/screenshots\/([a-z0-9-]+)-(light|dark)\.png/g)].map((m) => ({ screen: m[1]!, theme: m[2]! }));
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((n) => !fs.existsSync(path.join(dir, `${n.screen}-${n.theme}.png`))).map((n) => `${n.screen}-${n.theme}.png`);
    expect(missing).toEqual([]);
    const themes = new Map<string, Set<string>>();
    for (const n of named) (themes.get(n.screen) ?? themes.set(n.screen, new Set()).get(n.screen)!).add(n.theme);
    const oneTheme = [...themes].filter(([, t]) => t.size < 2).map(([screen]) => screen);
    expect(oneTheme).toEqual([]);
  });

  it('every screenshot in docs/screenshots/ comes in both themes', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
    const unpaired = files.filter((f) => {
      const m = /^(.+)-(light|dark)\.png$/.exec(f);
      return !m || !files.includes(`${m[1]}-${m[2] === 'light' ? 'dark' : 'light'}.png`);
    });
    expect(unpaired).toEqual([]);
  });
});
