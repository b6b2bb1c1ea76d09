import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { exportFormats, exportTasks } from '../../tasks/export.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { countTasks } from '../../tasks/repository.js';
import { jsonOption, output, plural } from '../output.js';

/**
 * `assay export tasks`: writes the tasks back as a task package, identical to what was imported —
 * except that a task a critic changed gains the generated critiques with their provenance.
 */
export const exportTasksCommand: Command = {
  words: ['export', 'tasks'],
  summary: 'Export every task as a task package (JSON Lines), exactly as imported (plus the critiques critics wrote here)',
  usage: '[--format jsonl] [--out FILE] [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, format: { type: 'string' }, out: { type: 'string' } },
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
      let result: { tasks: number; generated: number };
      const print = output(values, io);
      const bar = print.progress('tasks', countTasks(db));
      let written = 0;
      try {
        result = exportTasks(db, (chunk) => {
          fs.writeSync(fd, chunk);
          for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) written++;
          bar.update(written);
        });
        fs.fsyncSync(fd);
      } catch (err) {
        fs.closeSync(fd);
        fs.rmSync(temp, { force: true });
        throw err;
      } finally {
        bar.done();
      }
      fs.closeSync(fd);
      fs.renameSync(temp, target);
      const { tasks, generated } = result;
      print.result({ tasks, generated, out: target, format }, () =>
        generated === 0
          ? `Wrote ${plural(tasks, 'task')} to ${target} (${format}), each line exactly as imported.`
          : `Wrote ${plural(tasks, 'task')} to ${target} (${format}), each line as imported; ${generated === tasks ? (tasks === 1 ? 'it gains' : 'all gain') : `${generated.toLocaleString('en-US')} ${generated === 1 ? 'gains' : 'gain'}`} the critiques critics wrote here, with their provenance.`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
