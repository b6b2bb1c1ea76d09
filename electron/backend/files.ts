import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/result.js';

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
