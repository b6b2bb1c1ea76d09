import type { BenchSection } from '../section.js';
import { coldLoadSection } from './cold-load.js';

/** Every benchmark section, in the order they run. Add a section here. */
export const sections: readonly BenchSection[] = [
  coldLoadSection,
];
