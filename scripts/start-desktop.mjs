// `npm start`: opens the desktop app. The Electron binary is downloaded by Electron on first use;
// where it cannot be (an offline machine), say so and point at browser mode.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function electronBinary() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(dir, 'path.txt');
    if (!fs.existsSync(pathFile)) return undefined;
    const exe = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
    return fs.existsSync(exe) ? exe : undefined;
  } catch {
    return undefined;
  }
}

let exe = electronBinary();
if (!exe) {
  // Electron 45 fetches its binary on first use; try once, quietly.
  try {
    const install = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
    await new Promise((resolve) => spawn(process.execPath, [install], { stdio: 'ignore' }).once('exit', resolve));
  } catch {
    // no electron package at all
  }
  exe = electronBinary();
}
if (!exe) {
  process.stderr.write(
    [
      'Assay: the Electron binary is not installed and could not be downloaded (is this machine offline?).',
      'Use browser mode instead — the same app in your browser:',
      '',
      '    npm run web',
      '',
      'On a machine with internet, `npm start` downloads Electron once and opens the desktop window.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(exe, [root], { stdio: 'inherit' });
child.once('exit', (code) => process.exit(code ?? 0));
