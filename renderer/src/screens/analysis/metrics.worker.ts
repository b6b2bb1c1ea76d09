// Runs the metrics (and their bootstrap) off the UI thread; posts progress while it works.
import { computeMetrics, type MetricsOptions, type StudyMetrics } from '../../../../shared/metrics/compute.js';
import type { StudyData } from '../../../../shared/metrics/types.js';

/** A request to the metrics worker. */
export interface MetricsRequest {
  readonly id: number;
  readonly data: StudyData;
  readonly options: Omit<MetricsOptions, 'onProgress'>;
}

/** What the metrics worker posts back. */
export type MetricsReply =
  | { readonly id: number; readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly type: 'done'; readonly metrics: StudyMetrics }
  | { readonly id: number; readonly type: 'error'; readonly message: string };

const scope = self as unknown as { postMessage(message: MetricsReply): void; onmessage: ((e: MessageEvent<MetricsRequest>) => void) | null };

scope.onmessage = (e) => {
  const { id, data, options } = e.data;
  try {
    const metrics = computeMetrics(data, { ...options, onProgress: (done, total) => scope.postMessage({ id, type: 'progress', done, total }) });
    scope.postMessage({ id, type: 'done', metrics });
  } catch (err) {
    scope.postMessage({ id, type: 'error', message: (err as Error).message });
  }
};
