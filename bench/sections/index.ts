import type { BenchSection } from '../section.js';
import { coldLoadSection } from './cold-load.js';
import { criticSection } from './critic.js';
import { durabilitySection } from './durability.js';
import { heapSection } from './heap.js';
import { coverageSection } from './coverage.js';
import { importSection } from './import.js';
import { interopSection } from './interop.js';
import { metricsSection } from './metrics.js';
import { nextItemSection } from './next-item.js';
import { recordUnderLoadSection } from './record-under-load.js';
import { replaySection } from './replay.js';
import { studiesSection } from './studies.js';
import { taskBrowserSection } from './task-browser.js';

/** Every benchmark section, in the order they run. Add a section here. */
export const sections: readonly BenchSection[] = [
  durabilitySection,
  coldLoadSection,
  heapSection,
  metricsSection,
  importSection,
  recordUnderLoadSection,
  replaySection,
  interopSection,
  nextItemSection,
  studiesSection,
  criticSection,
  taskBrowserSection,
  coverageSection,
];
