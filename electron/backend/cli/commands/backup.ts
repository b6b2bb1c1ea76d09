import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { databaseError } from '../../db/errors.js';
import { resolveDbPath } from '../../paths.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { formatBytes, jsonOption, output } from '../output.js';

/** `assay backup`: a consistent copy of the database while it may be in use (SQLite backup API). */
export const backupCommand: Command = {
  words: ['backup'],
  summary: 'Write a consistent copy of the database (safe while the app runs)',
  usage: '--out FILE [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, out: { type: 'string' } },
  async run({ values }, io) {
    const out = values['out'] as string | undefined;
    if (!out) throw new UsageError('--out FILE is required');
    const dbPath = resolveDbPath(values['db'] as string | undefined, io.env);
    if (!fs.existsSync(dbPath)) {
      io.stderr(`assay backup: no database at ${dbPath}\n`);
      return 1;
    }
    const target = path.resolve(out);
    if (target === path.resolve(dbPath)) throw new UsageError('--out must not be the database itself');
    const db = openDatabase(dbPath, { migrate: false });
    try {
      const tmp = `${target}.partial`;
      await db.backup(tmp);
      fs.renameSync(tmp, target); // a half-written backup never carries the final name
      const size = fs.statSync(target).size;
      output(values, io).result({ backup: target, bytes: size }, () => `Backed up ${dbPath} to ${target} (${formatBytes(size)}).`);
      return 0;
    } catch (err) {
      const known = databaseError(err, dbPath);
      io.stderr(`assay backup: ${known ? known.message : (err as Error).message}\n`);
      return 1;
    } finally {
      db.close();
    }
  },
};
