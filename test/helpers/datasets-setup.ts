import { datasetsNotice } from './datasets.js';

/**
 * Vitest global setup of the unit tests: says once, before the run, when the real-data tests will
 * be skipped (or fail under ASSAY_REQUIRE_DATASETS=1) and why.
 */
export default function announceDatasets(): void {
  const notice = datasetsNotice();
  if (notice) console.log(notice);
}
