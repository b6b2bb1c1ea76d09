import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { deleteTasks } from '../../tasks/delete.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural } from '../output.js';

/** `assay tasks delete`: tasks in no study that nothing refers to; the rest refused with the reason. */
export const tasksDeleteCommand: Command = {
  words: ['tasks', 'delete'],
  summary: 'Delete tasks that are in no study and have no reviews: the named ones (all or nothing), or --not-in-study for all such tasks',
  usage: '(ID... | --not-in-study) [--dry-run] [--json] [--db PATH]',
  options: { ...dbOption, ...jsonOption, 'not-in-study': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    const all = values['not-in-study'] === true;
    if (all === positionals.length > 0) throw new UsageError('name the task ids to delete, or give --not-in-study (not both)');
    const dryRun = values['dry-run'] === true;
    const print = output(values, io);
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const bar = print.progress(dryRun ? 'checking tasks' : 'deleting tasks', 0);
      let r;
      try {
        r = deleteTasks(db, all ? { notInStudy: true, dryRun } : { ids: positionals, dryRun }, (done, total) => bar.update(done, total));
      } finally {
        bar.done();
      }
      const refusedNamed = !all && r.keptCount > 0;
      print.result(r, () => {
        if (refusedNamed) return 'Nothing deleted.';
        const lines = [`${dryRun ? 'Would delete' : 'Deleted'} ${plural(r.deleted, 'task')}${all ? ' in no study' : ''}, with their critiques and flaws.${dryRun ? ' Nothing was written (--dry-run).' : ''}`];
        if (r.keptCount > 0) lines.push(`Kept ${plural(r.keptCount, 'task')} in no study that ${r.keptCount === 1 ? 'has' : 'have'} reviews or ${r.keptCount === 1 ? 'was' : 'were'} shown:`);
        for (const k of r.kept) lines.push(`  ${k.id}: ${k.reason}`);
        if (r.keptCount > r.kept.length) lines.push(`  … and ${plural(r.keptCount - r.kept.length, 'more')}`);
        return lines.join('\n');
      });
      if (refusedNamed) {
        for (const k of r.kept) io.stderr(`assay tasks delete: task "${k.id}" cannot be deleted: ${k.reason}\n`);
        if (r.keptCount > r.kept.length) io.stderr(`assay tasks delete: … and ${plural(r.keptCount - r.kept.length, 'more task')} that cannot be deleted\n`);
        return 1;
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
