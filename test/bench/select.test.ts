import { describe, expect, it } from 'vitest';
import { chooseSections } from '../../bench/select.js';

const names = ['decision to durable', 'import', 'record under import', 'interop', 'review: next item', 'critic', 'task browser, 100k tasks', 'coverage'];
const sections = names.map((name) => ({ name }));
const pick = (...words: string[]): string[] => chooseSections(sections, words).map((s) => s.name);

describe('npm run bench -- WORD: which sections run (README, Performance)', () => {
  it('runs every section without a word', () => {
    expect(pick()).toEqual(names);
  });
  it('a word that is a section’s whole name runs that section alone', () => {
    expect(pick('import')).toEqual(['import']);
    expect(pick('Critic')).toEqual(['critic']);
  });
  it('another word runs every section whose name contains it, case ignored', () => {
    expect(pick('under')).toEqual(['record under import']);
    expect(pick('task browser')).toEqual(['task browser, 100k tasks']);
    expect(pick('NEXT', 'coverage')).toEqual(['review: next item', 'coverage']);
    expect(pick('task-browser')).toEqual([]);
  });
});
