import { useEffect, useRef, useState } from 'react';
import type { MetricsOptions, StudyMetrics } from '../../../../shared/metrics/compute.js';
import type { StudyData } from '../../../../shared/metrics/types.js';
import type { MetricsReply, MetricsRequest } from './metrics.worker.js';
import MetricsWorker from './metrics.worker.ts?worker';

/** The state of a metrics computation in the worker. */
export type MetricsState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly done: number; readonly total: number; readonly previous: StudyMetrics | null }
  | { readonly status: 'done'; readonly metrics: StudyMetrics }
  | { readonly status: 'error'; readonly message: string };

/**
 * Computes the metrics of `data` in a Web Worker (one per screen), restarting when the inputs
 * change; a newer request supersedes an older one. Keeps the last result visible while running.
 */
export function useMetrics(data: StudyData | null, options: Omit<MetricsOptions, 'onProgress'>): MetricsState {
  const [state, setState] = useState<MetricsState>({ status: 'idle' });
  const workerRef = useRef<Worker | null>(null);
  const requestRef = useRef(0);
  const lastRef = useRef<StudyMetrics | null>(null);

  useEffect(() => {
    const worker = new MetricsWorker();
    workerRef.current = worker;
    worker.onmessage = (e: MessageEvent<MetricsReply>) => {
      const reply = e.data;
      if (reply.id !== requestRef.current) return; // superseded
      if (reply.type === 'progress') setState({ status: 'running', done: reply.done, total: reply.total, previous: lastRef.current });
      else if (reply.type === 'done') {
        lastRef.current = reply.metrics;
        setState({ status: 'done', metrics: reply.metrics });
      } else setState({ status: 'error', message: reply.message });
    };
    worker.onerror = (e) => setState({ status: 'error', message: `The metrics worker failed: ${e.message}` });
    return () => {
      worker.terminate();
      workerRef.current = null;
    };
  }, []);

  const { bootstrap, seed, baseline, ci } = options;
  useEffect(() => {
    if (!data || !workerRef.current) return;
    const id = ++requestRef.current;
    setState({ status: 'running', done: 0, total: ci === 'population' ? 0 : (bootstrap ?? 2000), previous: lastRef.current });
    const request: MetricsRequest = {
      id,
      data,
      options: { ...(ci ? { ci } : {}), ...(bootstrap !== undefined ? { bootstrap } : {}), ...(seed !== undefined ? { seed } : {}), ...(baseline ? { baseline } : {}) },
    };
    workerRef.current.postMessage(request);
  }, [data, bootstrap, seed, baseline, ci]);

  return state;
}
