// The crash test: drive reviews through the same HTTP API the UI uses, SIGKILL the server at random
// moments, restart it, and check that every acknowledged action survived exactly once and that
// SQLite's integrity check passes. Used by `npm run stress` (100 cycles) and by the test suite (10).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiResult } from '../../shared/result.js';
import { seededRng } from '../../shared/study/random.js';
import { startServe, type ServerProcess } from '../helpers/server.js';

/** The outcome of a crash run. */
export interface CrashReport {
  readonly cycles: number;
  /** Acknowledged actions missing (or different) after restart. */
  readonly lost: number;
  /** Actions found more than once in the log. */
  readonly duplicated: number;
  /** Acknowledged actions in all. */
  readonly acknowledged: number;
  /** Failed integrity checks. */
  readonly corrupt: number;
}

interface Pending {
  readonly review: number;
  readonly clientEventId: string;
  readonly expectedSeq: number;
  readonly event: Record<string, unknown>;
}

/** The server answered and refused: a bug in the harness or the server, never a crash. */
class Refused extends Error {}

async function api<T>(server: ServerProcess, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.url}api/${name}`, { method: 'POST', body: JSON.stringify(input) });
  const body = (await res.json()) as ApiResult<T>;
  if (!body.ok) throw new Refused(`${name}: ${body.error.code}: ${body.error.message}`);
  return body.value;
}

interface View {
  readonly item: { readonly id: number };
  readonly critiques: readonly { readonly id: string }[] | null;
  readonly review: { readonly id: number; readonly status: string; readonly events: readonly { seq: number; event: Record<string, unknown> }[] } | null;
}

/** Runs `cycles` kill-and-restart cycles on a fresh database; `log` receives one line per cycle. */
export async function runCrashTest(options: { cycles: number; seed?: number; log?: (line: string) => void }): Promise<CrashReport> {
  // seeded, so a failing run can be repeated with its seed
  const stream = seededRng(options.seed ?? 20261126);
  const random = (): number => stream.next() / 4294967296;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-crash-'));
  const dbPath = path.join(dir, 'crash.db');
  /** Every acknowledged event: review → seq → event. */
  const acked = new Map<number, Map<number, Record<string, unknown>>>();
  let acknowledged = 0;
  let corrupt = 0;
  let counter = 0;
  let server = await startServe(dbPath);
  try {
    await api(server, 'demo:load', {});
    // Each profile's practice queue holds every demo task; a new profile starts when one is done.
    let profiles = 0;
    let evaluator = '';
    let queue: { id: number }[] = [];
    const newProfile = async (): Promise<void> => {
      profiles++;
      evaluator = (await api<{ id: string }>(server, 'evaluators:create', { displayName: `Crash Tester ${profiles}` })).id;
      queue = (await api<{ items: { id: number }[] }>(server, 'review:queue', { evaluator })).items;
    };
    await newProfile();
    let itemIndex = 0;
    let pending: Pending | undefined;

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const current = async (): Promise<View> => {
        if (itemIndex >= queue.length) {
          await newProfile();
          itemIndex = 0;
        }
        // as the UI does: start (or resume) the review, then read its view
        await api(server, 'review:begin', { evaluator, item: queue[itemIndex]!.id });
        return api<View>(server, 'review:view', { evaluator, item: queue[itemIndex]!.id });
      };
      // Open (or resume) the current item's review.
      let view = await current();
      // A request that was in flight at the last kill is retried, as the UI does after reconnecting.
      if (pending) {
        if (pending.review === view.review!.id && view.review!.status === 'open') {
          const r = await api<{ seq: number }>(server, 'review:record', { evaluator, ...pending, clientTime: Date.now() });
          const ok = acked.get(pending.review) ?? new Map();
          ok.set(r.seq, pending.event);
          acked.set(pending.review, ok);
          acknowledged++;
          view = await current();
        }
        pending = undefined;
      }
      while (view.review!.status !== 'open') {
        itemIndex++;
        view = await current();
      }
      const review = view.review!;
      let lastSeq = review.events.length === 0 ? 0 : review.events[review.events.length - 1]!.seq;
      // Kill the server after a random delay while actions stream in.
      const killAfter = 5 + Math.floor(random() * 120);
      const killer = new Promise<void>((resolve) => setTimeout(() => void server.stop('SIGKILL').then(resolve), killAfter));
      let alive = true;
      void killer.then(() => (alive = false));
      const critiques = view.critiques ?? [];
      // Submitting needs a rating (the server enforces the review rules).
      let rated = review.events.some((e) => e.event['type'] === 'rating-set');
      while (alive) {
        counter++;
        const roll = random();
        let event: Record<string, unknown>;
        if (roll < 0.4 && critiques.length > 0) {
          const c = critiques[Math.floor(random() * critiques.length)]!;
          event = random() < 0.5 ? { type: 'decision-recorded', critique: c.id, verdict: 'accept' } : { type: 'decision-recorded', critique: c.id, verdict: 'reject', reason: 'nitpick' };
        } else if (roll < 0.8) {
          event = { type: 'flaw-added', flaw: { id: `crash-${counter}`, description: `flaw number ${counter}`, severity: 'minor' } };
        } else if (roll < 0.97 || !rated) {
          event = { type: 'rating-set', rating: 1 + Math.floor(random() * 7) };
        } else {
          event = { type: 'submitted' };
        }
        const request: Pending = { review: review.id, clientEventId: `crash-event-${counter}`, expectedSeq: lastSeq, event };
        pending = request;
        try {
          const r = await api<{ seq: number }>(server, 'review:record', { evaluator, ...request, clientTime: Date.now() });
          pending = undefined;
          const ok = acked.get(review.id) ?? new Map();
          ok.set(r.seq, event);
          acked.set(review.id, ok);
          acknowledged++;
          lastSeq = r.seq;
          if (event['type'] === 'rating-set') rated = true;
          if (event['type'] === 'submitted') {
            itemIndex++;
            break;
          }
        } catch (err) {
          if (err instanceof Refused) throw err;
          break; // the server died mid-request: the action is unacknowledged
        }
      }
      await killer;
      // While it is down: the file must be a sound database.
      const check = new Database(dbPath, { readonly: true });
      const integrity = check.pragma('integrity_check', { simple: true });
      check.close();
      if (integrity !== 'ok') corrupt++;
      server = await startServe(dbPath);
      options.log?.(`cycle ${cycle}: killed after ${killAfter} ms, ${acknowledged} acknowledged so far, integrity ${String(integrity)}`);
    }

    // Verify: every acknowledged event is in the log at its seq; no action appears twice.
    let lost = 0;
    let duplicated = 0;
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT review_id AS review, seq, type, payload_json AS payload, client_event_id AS cid FROM review_events').all() as {
      review: number;
      seq: number;
      type: string;
      payload: string;
      cid: string | null;
    }[];
    // The log stores original critique ids; the client sent the neutral ids of the review's pin.
    const neutral = new Map(
      (
        db.prepare('SELECT r.id AS review, p.critique_id AS id, p.neutral_id AS neutral FROM reviews r JOIN pinned_critiques p ON p.queue_item_id = r.queue_item_id').all() as {
          review: number;
          id: string;
          neutral: string;
        }[]
      ).map((p) => [`${p.review}:${p.id}`, p.neutral]),
    );
    db.close();
    const asSent = (review: number, payload: Record<string, unknown>): Record<string, unknown> =>
      typeof payload['critique'] === 'string' ? { ...payload, critique: neutral.get(`${review}:${payload['critique']}`) ?? `unpinned:${payload['critique']}` } : payload;
    const stored = new Map(rows.map((r) => [`${r.review}:${r.seq}`, { type: r.type, ...asSent(r.review, JSON.parse(r.payload) as Record<string, unknown>) }]));
    for (const [review, events] of acked) {
      for (const [seq, event] of events) {
        const got = stored.get(`${review}:${seq}`);
        if (!got || JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(event))) lost++;
      }
    }
    const seenCid = new Set<string>();
    const seenFlaw = new Set<string>();
    for (const r of rows) {
      if (r.cid !== null) {
        if (seenCid.has(r.cid)) duplicated++;
        seenCid.add(r.cid);
      }
      if (r.type === 'flaw-added') {
        const id = (JSON.parse(r.payload) as { flaw: { id: string } }).flaw.id;
        if (seenFlaw.has(id)) duplicated++;
        seenFlaw.add(id);
      }
    }
    return { cycles: options.cycles, lost, duplicated, acknowledged, corrupt };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
