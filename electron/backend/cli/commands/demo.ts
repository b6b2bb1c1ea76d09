import { openDatabase } from '../../db/open.js';
import { loadDemo } from '../../demo.js';
import { resolveDbPath } from '../../paths.js';
import { dbOption, type Command } from '../command.js';

/** `assay demo`: loads the built-in demo tasks. */
export const demoCommand: Command = {
  words: ['demo'],
  summary: 'Load the built-in demo tasks into the database',
  usage: '[--db PATH]',
  options: { ...dbOption },
  run({ values }, io) {
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      io.stdout(`${JSON.stringify(loadDemo(db))}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
