import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { AppError } from '../../shared/result.js';
import { firstInvalidUtf8 } from './tasks/lines.js';

/**
 * Writes a file atomically: a temporary file beside it, then a rename, so a failed or interrupted
 * write never leaves half a file under the final name.
 */
export function writeFileAtomic(file: string, content: string): void {
  const target = path.resolve(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new AppError('invalid-input', `cannot write ${file}: ${(err as Error).message}`);
  }
}

/**
 * Reads a whole text file (a pack, a results file, review records, a list of ids) as UTF-8,
 * refusing bytes that are not UTF-8 instead of replacing them with U+FFFD, which would silently
 * change the text. A leading byte-order mark is dropped. Errors name the file (`label`).
 */
export function readUtf8File(file: string, label = file): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('invalid-input', `${label}: cannot read the file${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder' : `: ${(err as Error).message}`}`);
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
    throw new AppError('invalid-input', `${label}:${line}: (line): not valid UTF-8 (byte ${at + 1} of the file)`);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
