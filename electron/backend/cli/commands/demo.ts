import { openDatabase } from '../../db/open.js';
import { loadDemo } from '../../demo.js';
import { resolveDbPath } from '../../paths.js';
import { dbOption, type Command } from '../command.js';
import { jsonOption, output, plural } from '../output.js';

/** `assay demo`: loads the built-in demo tasks. */
export const demoCommand: Command = {
  words: ['demo'],
  summary: 'Load the built-in demo tasks into the database',
  usage: '[--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption },
  run({ values }, io) {
    const dbPath = resolveDbPath(values['db'] as string | undefined, io.env);
    const db = openDatabase(dbPath);
    try {
      const r = loadDemo(db);
      output(values, io).result(r, () =>
        r.tasks > 0
          ? `Loaded the demo: ${plural(r.tasks, 'task')} (${plural(r.critiques, 'critique')}, ${plural(r.flaws, 'flaw')}) into ${dbPath}.\nNext: assay serve --db ${dbPath}  (or the desktop app), then Review.`
          : `The demo tasks are already in ${dbPath} (${plural(r.unchanged, 'task')} unchanged).`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
