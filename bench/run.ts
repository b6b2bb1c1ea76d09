// `npm run bench`: runs every section, prints one table and writes bench/results.json.
// `npm run bench -- NAME...` runs only the sections whose name contains one of the words (or is one of them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './section.js';
import { chooseSections, runSections } from './select.js';
import { sections } from './sections/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const chosen = chooseSections(sections, process.argv.slice(2));
if (chosen.length === 0) {
  // a word that names nothing (`next-item` for "review: next item") must not look like a run
  process.stderr.write(`bench: no section matches ${process.argv.slice(2).join(', ')}; the sections: ${sections.map((s) => s.name).join('; ')}\n`);
  process.exit(2);
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};

const { results, failed } = await runSections(chosen, (line) => process.stderr.write(`${line}\n`));

const format = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const rows = results.flatMap((r) =>
  r.figures.map((f) => [r.section, f.name, `${format(f.value)} ${f.unit}`, f.goal ?? '', f.pass === undefined ? '' : f.pass ? 'ok' : 'MISSED']),
);
const header = ['section', 'figure', 'value', 'goal', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.platform}`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));

// A partial run (`npm run bench -- NAME`) replaces only its own sections: the file stays the record
// of every section, each with the date and machine of the run that measured it.
const file = path.join(here, 'results.json');
type Stored = { section: string; date?: string; machine?: typeof machine; loadAverage?: readonly number[]; figures: readonly BenchFigure[] };
let previous: Stored[] = [];
try {
  const old = JSON.parse(fs.readFileSync(file, 'utf8')) as { date?: string; machine?: typeof machine; results?: Stored[] };
  previous = (old.results ?? []).map((r) => ({ date: old.date, machine: old.machine, ...r }));
} catch {
  // no record yet, or an unreadable one: start afresh
}
const now = new Date().toISOString();
const measured = new Map<string, Stored>(previous.map((r) => [r.section, r]));
for (const r of results) measured.set(r.section, { section: r.section, date: now, machine, loadAverage: r.loadAverage, figures: r.figures });
const ordered = sections.flatMap((s) => measured.get(s.name) ?? []);
fs.writeFileSync(file, `${JSON.stringify({ date: now, machine, results: ordered }, null, 2)}\n`);
if (failed.length > 0) {
  console.log(`\n${failed.length} section(s) failed (their earlier figures are kept in results.json):`);
  for (const f of failed) console.log(`  ${f.section}: ${f.error}`);
  process.exitCode = 1;
}
