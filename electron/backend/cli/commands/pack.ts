import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { exportPack, importPack } from '../../studies/packs.js';
import { InputError, UsageError, dbOption, type Command } from '../command.js';

/** Writes a file atomically (temporary file, then rename): never a half-written pack. */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new InputError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** `assay pack export`. */
export const packExportCommand: Command = {
  words: ['pack', 'export'],
  summary: "Write one evaluator's offline pack (only what they may see)",
  usage: '--study NAME --evaluator ID --out FILE [--db PATH]',
  options: { ...dbOption, study: { type: 'string' }, evaluator: { type: 'string' }, out: { type: 'string' } },
  run({ values }, io) {
    for (const flag of ['study', 'evaluator', 'out']) if (typeof values[flag] !== 'string') throw new UsageError(`--${flag} is required`);
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const r = exportPack(db, values['study'] as string, values['evaluator'] as string);
      writeFileAtomic(values['out'] as string, r.content);
      io.stdout(`${JSON.stringify({ pack: r.pack.pack.id, study: r.pack.study.name, evaluator: r.pack.evaluator.id, items: r.pack.items.length, out: values['out'] })}\n`);
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
  usage: 'FILE [--db PATH]',
  options: { ...dbOption },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('expected one pack FILE');
    const file = positionals[0]!;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read ${file}: ${(err as Error).message}`);
    }
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      io.stdout(`${JSON.stringify(importPack(db, text, path.basename(file)))}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
