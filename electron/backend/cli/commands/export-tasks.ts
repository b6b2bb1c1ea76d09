import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { exportFormats, exportTasks } from '../../tasks/export.js';
import { UsageError, dbOption, type Command } from '../command.js';

/** `assay export tasks`: writes the tasks back as a task package, identical to what was imported. */
export const exportTasksCommand: Command = {
  words: ['export', 'tasks'],
  summary: 'Export every task as a task package (JSON Lines), exactly as imported',
  usage: '[--format jsonl] [--out FILE] [--db PATH]',
  options: { ...dbOption, format: { type: 'string' }, out: { type: 'string' } },
  run({ values }, io) {
    const format = (values['format'] as string | undefined) ?? 'jsonl';
    if (!(exportFormats as readonly string[]).includes(format)) {
      throw new UsageError(`--format: unknown format "${format}" (known: ${exportFormats.join(', ')})`);
    }
    const out = values['out'] as string | undefined;
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      if (out === undefined) {
        exportTasks(db, (chunk) => io.stdout(chunk));
        return 0;
      }
      // Write beside the target and rename, so a failed export never leaves half a file.
      const target = path.resolve(out);
      const temp = `${target}.${process.pid}.tmp`;
      const fd = fs.openSync(temp, 'w');
      let result: { tasks: number };
      try {
        result = exportTasks(db, (chunk) => fs.writeSync(fd, chunk));
        fs.fsyncSync(fd);
      } catch (err) {
        fs.closeSync(fd);
        fs.rmSync(temp, { force: true });
        throw err;
      }
      fs.closeSync(fd);
      fs.renameSync(temp, target);
      io.stdout(`${JSON.stringify({ tasks: result.tasks, out: target, format })}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
