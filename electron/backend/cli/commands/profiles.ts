import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { listProfiles, removeProfile } from '../../reviews/profiles.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural, table } from '../output.js';

/** `assay profiles list`. */
export const profilesListCommand: Command = {
  words: ['profiles', 'list'],
  summary: 'List the evaluator profiles with their reviews and studies, and whether each can be removed',
  usage: '[--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption },
  run({ values }, io) {
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const profiles = listProfiles(db);
      output(values, io).result(profiles, () =>
        profiles.length === 0
          ? 'No evaluator profiles.'
          : table(
              ['Profile', 'Name', 'Reviews', 'Studies', 'Can be removed'],
              profiles.map((p) => [p.id, p.displayName, p.reviews, p.studies.join(', ') || '—', p.removable.ok ? 'yes' : `no: ${p.removable.reason}`]),
            ),
      );
      return 0;
    } finally {
      db.close();
    }
  },
};

/** `assay profiles remove`. */
export const profilesRemoveCommand: Command = {
  words: ['profiles', 'remove'],
  summary: 'Remove an evaluator profile with no reviews that is in no study (one created by mistake)',
  usage: 'ID [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one profile ID (see assay profiles list)');
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const r = removeProfile(db, positionals[0]!);
      output(values, io).result(r, () => `Removed the profile "${r.id}" and its ${plural(r.queueItems, 'unopened practice item')}.`);
      return 0;
    } finally {
      db.close();
    }
  },
};
