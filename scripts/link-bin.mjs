// Makes `npx assay …` work inside this checkout right after `npm install`: npm links the bins of
// dependencies into node_modules/.bin, but not the bin of the project itself, and `npx` would then
// look for a package called "assay" in the registry instead. Runs from `prepare`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binDir = path.join(root, 'node_modules', '.bin');
if (fs.existsSync(path.join(root, 'node_modules'))) {
  fs.mkdirSync(binDir, { recursive: true });
  const link = path.join(binDir, 'assay');
  const target = path.relative(binDir, path.join(root, 'bin', 'assay.mjs'));
  fs.rmSync(link, { force: true });
  if (process.platform === 'win32') {
    fs.writeFileSync(`${link}.cmd`, `@node "%~dp0\\${target}" %*\r\n`);
  } else {
    fs.symlinkSync(target, link);
  }
}
