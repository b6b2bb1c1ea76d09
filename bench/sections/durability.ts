import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { loadDemo } from '../../electron/backend/demo.js';
import { beginReview, createEvaluator, ensurePracticeQueue, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { startServe } from '../../test/helpers/server.js';
import type { BenchSection } from '../section.js';
import { percentile } from '../stats.js';

const N = 1500;

/**
 * Decision-to-durable latency: one evaluator action appended to the event log and committed
 * (synchronous=FULL, so on disk), against a bare single-row INSERT autocommit in the same database.
 */
export const durabilitySection: BenchSection = {
  name: 'decision to durable',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-durable-'));
    try {
      const db = openDatabase(path.join(dir, 'bench.db'));
      loadDemo(db);
      const evaluator = createEvaluator(db, 'Bench').id;
      ensurePracticeQueue(db, evaluator);
      const item = getQueue(db, evaluator)[0]!;
      const review = beginReview(db, evaluator, item.id).review.id;
      db.exec('CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, review INTEGER NOT NULL, payload TEXT NOT NULL) STRICT');
      const bare = db.prepare('INSERT INTO bench_bare (review, payload) VALUES ($review, $payload)');

      const eventTimes: number[] = [];
      const bareTimes: number[] = [];
      let seq = 0;
      // Interleave the two so that both see the same disk and cache conditions.
      for (let i = 0; i < N; i++) {
        const event = { type: 'decision-recorded' as const, critique: 'k1', verdict: i % 2 === 0 ? ('accept' as const) : ('reject' as const), ...(i % 2 ? { reason: 'nitpick' as const } : {}) };
        let t = performance.now();
        seq = recordEvent(db, { evaluator, review, expectedSeq: seq, clientEventId: `bench-${i}-xxxxxxxx`, clientTime: Date.now(), event }).seq;
        eventTimes.push(performance.now() - t);
        t = performance.now();
        bare.run({ review, payload: JSON.stringify(event) });
        bareTimes.push(performance.now() - t);
      }
      db.close();

      // The same action through browser mode's HTTP API, as the UI sends it.
      const server = await startServe(path.join(dir, 'bench.db'));
      const httpTimes: number[] = [];
      try {
        for (let i = 0; i < 300; i++) {
          const t = performance.now();
          const res = await fetch(`${server.url}api/review:record`, {
            method: 'POST',
            body: JSON.stringify({
              evaluator,
              review,
              expectedSeq: seq,
              clientEventId: `bench-http-${i}-xxxxxxxx`,
              clientTime: Date.now(),
              event: { type: 'rating-set', rating: 1 + (i % 7) },
            }),
          });
          const body = (await res.json()) as { ok: boolean; value: { seq: number } };
          if (!body.ok) throw new Error(JSON.stringify(body));
          seq = body.value.seq;
          httpTimes.push(performance.now() - t);
        }
      } finally {
        await server.stop();
      }

      const p50 = percentile(eventTimes, 0.5);
      const p99 = percentile(eventTimes, 0.99);
      const b50 = percentile(bareTimes, 0.5);
      const b99 = percentile(bareTimes, 0.99);
      return [
        { name: 'event append + commit p50', value: p50, unit: 'ms' },
        { name: 'event append + commit p99', value: p99, unit: 'ms' },
        { name: 'bare single-row insert p50', value: b50, unit: 'ms' },
        { name: 'bare single-row insert p99', value: b99, unit: 'ms' },
        { name: 'ratio event/bare p50', value: p50 / b50, unit: '×', goal: '≤ 5×', pass: p50 / b50 <= 5 },
        { name: 'ratio event/bare p99', value: p99 / b99, unit: '×', goal: '≤ 5×', pass: p99 / b99 <= 5 },
        { name: 'via HTTP (browser mode) p50', value: percentile(httpTimes, 0.5), unit: 'ms' },
        { name: 'via HTTP (browser mode) p99', value: percentile(httpTimes, 0.99), unit: 'ms' },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
