import type { BenchSection } from './section.js';

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
