import os from 'node:os';
import type { BenchFigure, BenchSection } from './section.js';

/**
 * The sections `npm run bench -- WORD…` runs: all without words; else those whose name contains one
 * of the words (case ignored) — but a word that is a section's whole name picks that section alone
 * (`import`, not also "record under import").
 */
export function chooseSections<S extends Pick<BenchSection, 'name'>>(sections: readonly S[], words: readonly string[]): S[] {
  const filters = words.map((w) => w.toLowerCase());
  if (filters.length === 0) return [...sections];
  const whole = (f: string): boolean => sections.some((x) => x.name.toLowerCase() === f);
  return sections.filter((s) => filters.some((f) => (whole(f) ? s.name.toLowerCase() === f : s.name.toLowerCase().includes(f))));
}

/** What {@link runSections} brings back: each measured section with its figures, and those that failed. */
export interface SectionRuns {
  readonly results: { readonly section: string; readonly figures: readonly BenchFigure[]; readonly loadAverage: readonly number[] }[];
  readonly failed: { readonly section: string; readonly error: string }[];
}

/**
 * Runs the sections one after another. A section that fails is reported (through `log`) and the
 * others still run and are recorded: one broken section must not throw away an hour of
 * quiet-machine figures. Each result carries the 1-minute load average before and after it: the
 * figures of a busy machine are not a quiet one's.
 */
export async function runSections(sections: readonly BenchSection[], log: (line: string) => void, loadavg: () => number = () => os.loadavg()[0]!): Promise<SectionRuns> {
  const results: SectionRuns['results'] = [];
  const failed: SectionRuns['failed'] = [];
  for (const section of sections) {
    log(`bench: ${section.name}…`);
    const started = Date.now();
    try {
      const loadBefore = loadavg();
      const figures = await section.run();
      const loadAverage = [loadBefore, loadavg()].map((l) => Math.round(l * 100) / 100);
      log(`bench: ${section.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s (load average ${loadAverage.join(' → ')})`);
      results.push({ section: section.name, figures, loadAverage });
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`bench: ${section.name} FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s:\n${error}`);
      failed.push({ section: section.name, error: error.split('\n')[0]! });
    }
  }
  return { results, failed };
}
