import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { readUtf8File, writeFileAtomic } from '../../files.js';
import { resolveDbPath } from '../../paths.js';
import { exportPack, importPack } from '../../studies/packs.js';
import { getStudy } from '../../studies/repository.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural } from '../output.js';

/** `assay pack export`. */
export const packExportCommand: Command = {
  words: ['pack', 'export'],
  summary: "Write an evaluator's offline pack (only what they may see); --all: one per evaluator into a folder",
  usage: '--study NAME (--evaluator ID --out FILE | --all --out DIR) [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, study: { type: 'string' }, evaluator: { type: 'string' }, all: { type: 'boolean' }, out: { type: 'string' } },
  run({ values }, io) {
    for (const flag of ['study', 'out']) if (typeof values[flag] !== 'string') throw new UsageError(`--${flag} is required`);
    if ((typeof values['evaluator'] === 'string') === Boolean(values['all'])) throw new UsageError('give either --evaluator ID or --all');
    const study = values['study'] as string;
    const out = values['out'] as string;
    const print = output(values, io);
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const evaluators = values['all'] ? getStudy(db, study).evaluators.map((e) => e.id) : [values['evaluator'] as string];
      if (values['all']) fs.mkdirSync(out, { recursive: true });
      const bar = evaluators.length > 1 ? print.progress('packs', evaluators.length) : undefined;
      const written: { pack: string; study: string; evaluator: string; items: number; out: string }[] = [];
      try {
        for (const [i, evaluator] of evaluators.entries()) {
          const r = exportPack(db, study, evaluator);
          const file = values['all'] ? path.join(out, r.fileName) : out;
          writeFileAtomic(file, r.content);
          written.push({ pack: r.pack.pack.id, study: r.pack.study.name, evaluator: r.pack.evaluator.id, items: r.pack.items.length, out: file });
          bar?.update(i + 1);
        }
      } finally {
        bar?.done();
      }
      // --json: one JSON object per pack (JSON Lines), as before
      print.each(written, (w) => `Wrote ${w.out}: ${plural(w.items, 'item')} for ${w.evaluator} in study ${w.study}.`);
      if (!print.json) print.note(`Give each evaluator their pack; they open it with "assay pack import FILE" (or Studies → Open pack…) and send back "assay results export --out FILE".`);
      return 0;
    } finally {
      db.close();
    }
  },
};

/** `assay pack import`. */
export const packImportCommand: Command = {
  words: ['pack', 'import'],
  summary: "Open an offline pack in the evaluator's database",
  usage: 'FILE [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one pack FILE');
    const file = positionals[0]!;
    const text = readUtf8File(file, path.basename(file));
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const r = importPack(db, text, path.basename(file));
      output(values, io).result(r, () =>
        r.unchanged
          ? `This pack was already open: ${plural(r.items, 'item')} for ${r.evaluator} in study ${r.study}. Nothing changed.`
          : `Opened the pack: ${plural(r.items, 'item')} for ${r.evaluator} in study ${r.study}.\nNext: review them (assay serve, or the desktop app → Review), then send back: assay results export --out FILE`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
