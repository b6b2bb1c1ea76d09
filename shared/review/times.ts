// The rules for the times and durations of a review, checked on every path that brings reviews in:
// the review API (the clock of the machine that records), results files and review-record JSON
// Lines (the studies import). Server times are the recording machine's clock and must tell a
// consistent story; client times come from the evaluator's browser clock and only need to be
// plausible (they are kept for analysis, never trusted).

/** The earliest time a review can carry: 2020-01-01T00:00:00Z. Earlier means a wrong clock (or garbage). */
export const EARLIEST_REVIEW_TIME_MS = Date.UTC(2020, 0, 1);
/** How far a review's times may lie ahead of the importing machine's clock (time zones, drifting clocks). */
export const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;
/** Client times outside [2000-01-01, 2200-01-01) are not times at all. */
export const CLIENT_TIME_MIN_MS = Date.UTC(2000, 0, 1);
/** See {@link CLIENT_TIME_MIN_MS}. */
export const CLIENT_TIME_MAX_MS = Date.UTC(2200, 0, 1);

/** A problem with one field: `field` is the path in the format being read. */
export interface TimeProblem {
  readonly field: string;
  readonly message: string;
}

/** The times of one finished review. */
export interface ReviewTimes {
  readonly startedAt: number;
  readonly submittedAt: number;
  readonly activeMs: number;
  /** The event log's times; absent when there is no log (a review record). */
  readonly events?: readonly { readonly clientTime: number | null; readonly serverTime: number }[];
}

/** The names of the fields in the format being read, for the error messages. */
export interface TimeFields {
  readonly startedAt: string;
  readonly submittedAt: string;
  readonly activeMs: string;
  /** e.g. `(i) => \`events.${i}\`` */
  readonly event: (index: number) => string;
  /** How active time is written in this format (milliseconds, or seconds with one decimal). */
  readonly activeUnit: 'ms' | 's';
}

/** Field names of a results file's review. */
export const resultsTimeFields: TimeFields = {
  startedAt: 'started_at_ms',
  submittedAt: 'submitted_at_ms',
  activeMs: 'active_ms',
  event: (i) => `events.${i}`,
  activeUnit: 'ms',
};

/** Field names of a review record. */
export const recordTimeFields: TimeFields = {
  startedAt: 'started_at',
  submittedAt: 'submitted_at',
  activeMs: 'active_seconds',
  event: (i) => `(synthesised event ${i + 1})`,
  activeUnit: 's',
};

/** A time for a message: ISO 8601 when it is a date JavaScript can show, else the number itself. */
export function showTime(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? `${d.toISOString()} (${ms})` : String(ms);
}

function plausible(ms: number, now: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_REVIEW_TIME_MS && ms <= now + FUTURE_SLACK_MS;
}

/** True when `ms` may be a client's clock reading. */
export function plausibleClientTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= CLIENT_TIME_MIN_MS && ms < CLIENT_TIME_MAX_MS;
}

/**
 * The first problem with the times of a finished review, or null. Rules: start and submission lie
 * between 2020-01-01 and a day past `now`; the submission is not before the start; active time is
 * at most the wall time from start to submission (plus `activeToleranceMs`, for formats that round
 * it); server times of the log never go backwards, lie within [start, submission], and the last one
 * is the submission; client times are plausible clock readings.
 */
export function checkReviewTimes(t: ReviewTimes, now: number, fields: TimeFields, activeToleranceMs = 0): TimeProblem | null {
  const earliest = new Date(EARLIEST_REVIEW_TIME_MS).toISOString().slice(0, 10);
  const when = (ms: number): string =>
    ms < EARLIEST_REVIEW_TIME_MS ? `${showTime(ms)} is before ${earliest}: no review is that old (a wrong clock, or not a time)` : `${showTime(ms)} is in the future`;
  if (!plausible(t.startedAt, now)) return { field: fields.startedAt, message: when(t.startedAt) };
  if (!plausible(t.submittedAt, now)) return { field: fields.submittedAt, message: when(t.submittedAt) };
  if (t.submittedAt < t.startedAt) {
    return { field: fields.submittedAt, message: `${showTime(t.submittedAt)} is before the review started (${fields.startedAt} ${showTime(t.startedAt)})` };
  }
  const wall = t.submittedAt - t.startedAt;
  if (!Number.isFinite(t.activeMs) || t.activeMs < 0 || t.activeMs > wall + activeToleranceMs) {
    const active = fields.activeUnit === 's' ? `${t.activeMs / 1000} s` : `${t.activeMs} ms`;
    return { field: fields.activeMs, message: `${active} of active time is more than the ${wall} ms from start to submission` };
  }
  const events = t.events ?? [];
  let previous = t.startedAt;
  for (const [i, e] of events.entries()) {
    const at = fields.event(i);
    if (!Number.isSafeInteger(e.serverTime) || e.serverTime < t.startedAt || e.serverTime > t.submittedAt) {
      return { field: `${at}.server_time`, message: `${showTime(e.serverTime)} is outside the review (${showTime(t.startedAt)} to ${showTime(t.submittedAt)})` };
    }
    if (e.serverTime < previous) return { field: `${at}.server_time`, message: `${showTime(e.serverTime)} is earlier than the event before it (${showTime(previous)})` };
    previous = e.serverTime;
    if (e.clientTime !== null && !plausibleClientTime(e.clientTime)) {
      return { field: `${at}.client_time`, message: `${showTime(e.clientTime)} is not a plausible clock reading (2000–2200)` };
    }
  }
  const last = events[events.length - 1];
  if (last && last.serverTime !== t.submittedAt) {
    return { field: `${fields.event(events.length - 1)}.server_time`, message: `the review ended at ${showTime(t.submittedAt)}, but its last event is at ${showTime(last.serverTime)}` };
  }
  return null;
}

/** Why the recording machine's clock cannot be used for a review, or null when it can. */
export function serverClockProblem(now: number): string | null {
  if (Number.isSafeInteger(now) && now >= EARLIEST_REVIEW_TIME_MS) return null;
  return `This computer's clock says ${showTime(now)}, before ${new Date(EARLIEST_REVIEW_TIME_MS).toISOString().slice(0, 10)}: set the correct date and time, then try again. Nothing was saved.`;
}
