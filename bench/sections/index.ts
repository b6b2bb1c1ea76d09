import type { BenchSection } from '../section.js';

/** Every benchmark section, in the order they run. Add a section here. */
export const sections: readonly BenchSection[] = [];
