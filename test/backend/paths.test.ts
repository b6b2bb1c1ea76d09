import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath, userDataDir } from '../../electron/backend/paths.js';

describe('paths', () => {
  it("uses the platform's user-data folder, as Electron's userData does", () => {
    expect(userDataDir('linux', { HOME: '/home/u' })).toBe('/home/u/.config/Assay');
    expect(userDataDir('linux', { HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/Assay');
    expect(userDataDir('darwin', { HOME: '/Users/u' })).toBe('/Users/u/Library/Application Support/Assay');
    expect(userDataDir('win32', { HOME: 'C:/Users/u', APPDATA: 'C:/Users/u/AppData/Roaming' })).toBe(
      path.join('C:/Users/u/AppData/Roaming', 'Assay'),
    );
  });

  it('prefers --db, then ASSAY_DB, then the default', () => {
    expect(resolveDbPath('/a/x.db', { ASSAY_DB: '/b/y.db' })).toBe('/a/x.db');
    expect(resolveDbPath(undefined, { ASSAY_DB: '/b/y.db' })).toBe('/b/y.db');
    expect(resolveDbPath(undefined, { HOME: '/home/u' })).toMatch(/Assay[/\\]assay\.db$/);
  });
});
