import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The product name; also the user-data folder name, the same one Electron's `userData` uses. */
export const productName = 'Assay';

/**
 * The platform's per-user application-data folder for Assay, matching Electron's
 * `app.getPath('userData')` so that the desktop app and the CLI share one database.
 */
export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = env['HOME'] ?? os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', productName);
    case 'win32':
      return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), productName);
    default:
      return path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), productName);
  }
}

/** The database to use: `--db` beats `ASSAY_DB`, which beats the user-data default. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env['ASSAY_DB']) return path.resolve(env['ASSAY_DB']);
  return path.join(userDataDir(process.platform, env), 'assay.db');
}

let cachedRoot: string | undefined;

/** The package root (the folder with Assay's package.json), wherever this module was bundled to. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'assay') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Assay package root');
    dir = parent;
  }
}

/** Assay's version, from package.json. */
export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The build folder: `dist/`, or ASSAY_DIST (a separate build for parallel work in one checkout). */
export function distDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(packageRoot(), env['ASSAY_DIST'] || 'dist');
}
