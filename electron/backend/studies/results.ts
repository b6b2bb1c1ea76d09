import type { ResultsFileReport } from '../../../shared/contract/studies.js';
import { parseUntrustedJson } from '../../../shared/json-shape.js';
import { multiFileRequirement } from '../../../shared/requires.js';
import { AppError, assertNever } from '../../../shared/result.js';
import { eventPayload, ReviewEventSchema, type ReviewEvent } from '../../../shared/review/events.js';
import { buildReviewRecord, recordDefaults, recordSettingsProblem, ReviewRecordSchema, type ReviewRecord, type ReviewRecordMeta } from '../../../shared/review/record.js';
import { replayChecked } from '../../../shared/review/state.js';
import { checkReviewTimes, recordTimeFields, resultsTimeFields } from '../../../shared/review/times.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { itemDeadline, type StudySettings } from '../../../shared/study/settings.js';
import {
  parseResultsEvent,
  resultsRequires,
  ResultsFileV1Schema,
  ResultsFileV2Schema,
  type ResultsFileV1,
  type ResultsFileV2,
  type ResultsReview,
} from '../../../shared/study/formats.js';
import { findLoneSurrogate, loneSurrogateMessage, mayHaveSurrogateEscape } from '../../../shared/unicode.js';
import { misplacedFileMessage, recognizeFile, recognizeValue, RECOGNIZE_HEAD_CHARS } from '../../../shared/file-kind.js';
import { resolveTaskAnchor, TaskTextIndexes } from '../../../shared/anchors.js';
import { viewTexts } from '../../../shared/review/view-texts.js';
import type { Statement } from 'better-sqlite3';
import type { AnyDb, WritableDb } from '../db/types.js';
import { getTaskView } from '../tasks/repository.js';
import { finishedReviews, type StoredEvent } from '../reviews/records.js';
import { freezeStudy } from '../reviews/repository.js';
import {
  itemPin,
  neutralIdOf,
  originalCritiqueId,
  pinnedRows,
  renameEventCritique,
  samePin,
  storePin,
  type Pin,
  type QueueItemRow,
} from '../reviews/visibility.js';
import { dottedPath, firstIssue, readStudyDocument } from './documents.js';
import { fileHash, resultsMac, sameMac } from './hash.js';
import { findStudy, findStudyById, studyConditions, type StudyRow } from './repository.js';
import { parseStoredSettings } from './settings.js';

interface ImportedPackRow {
  id: string;
  study_id: string;
  study_name: string;
  evaluator_id: string;
  researcher: string | null;
}

function choosePack(db: AnyDb, pack: string | undefined): ImportedPackRow {
  const packs = db.prepare(`SELECT id, study_id, study_name, evaluator_id, researcher FROM packs WHERE role = 'imported' ORDER BY recorded_at, id`).all() as ImportedPackRow[];
  if (pack !== undefined) {
    const found = packs.find((p) => p.id === pack);
    if (!found) throw new AppError('not-found', `No pack "${pack}" was opened in this database.${packs.length ? ` Packs: ${packs.map((p) => p.id).join(', ')}.` : ''}`);
    return found;
  }
  if (packs.length === 0) throw new AppError('not-found', 'No pack was opened in this database: there are no study results to export. Open a pack first (assay pack import FILE).');
  if (packs.length > 1) {
    throw new AppError('invalid-input', `This database holds ${packs.length} packs; choose one with --pack: ${packs.map((p) => `${p.id} (${p.study_name})`).join(', ')}.`);
  }
  return packs[0]!;
}

/** A record with its critique ids renamed (original ↔ neutral). */
function renameRecord(record: ReviewRecord, rename: (id: string) => string): ReviewRecord {
  return {
    ...record,
    decisions: record.decisions.map((d) => ({ ...d, critique: rename(d.critique) })),
    ...(record.shown !== undefined ? { shown: record.shown.map(rename) } : {}),
  };
}

function queueItem(db: AnyDb, id: number): QueueItemRow {
  return db.prepare('SELECT id, evaluator_id, task_id, study, condition, label, policy FROM queue_items WHERE id = $id').get({ id }) as QueueItemRow;
}

/** The `path` of a logged flaw event's anchor, if any. */
function anchorPathOf(payload: Record<string, unknown>): string | undefined {
  const flaw = payload['flaw'] as { anchor?: { path?: unknown } } | undefined;
  const path = flaw?.anchor?.path;
  return typeof path === 'string' ? path : undefined;
}

function taskHasFiles(db: AnyDb, task: string): boolean {
  return (db.prepare('SELECT files_json IS NOT NULL AS f FROM tasks WHERE id = $id').get({ id: task }) as { f: number } | undefined)?.f === 1;
}

/** A results file as written, with what it holds. */
export interface ExportedResults {
  readonly fileName: string;
  readonly content: string;
  readonly reviews: number;
  readonly file: ResultsFileV1 | ResultsFileV2;
  /** The pack whose results these are, and whom they go to. */
  readonly pack: { readonly id: string; readonly study: string; readonly evaluator: string; readonly researcher: string | null };
  /** Each review in the file at the step of its log it was exported at (see studies/exports.ts). */
  readonly held: readonly { readonly review: number; readonly seq: number }[];
}

/**
 * The evaluator's results of one opened pack: every submitted or skipped review with its record,
 * exact times, what it showed (the item's pin) and its full event log, a content hash, and — for a
 * version-2 pack — a proof (HMAC under the pack's secret) that it came from that pack. A pack
 * opened from a version-1 file (no secret) gives a version-1 results file.
 */
export function exportResults(
  db: AnyDb,
  options: { pack?: string | undefined } = {},
  now = Date.now(),
): ExportedResults {
  const pack = choosePack(db, options.pack);
  const issue = db
    .prepare(`SELECT issue, format_version, secret FROM pack_issues WHERE pack_id = $id AND role = 'imported' ORDER BY recorded_at, issue LIMIT 1`)
    .get({ id: pack.id }) as { issue: string; format_version: number; secret: string | null } | undefined;
  const finished = finishedReviews(db, { study: pack.study_name, evaluator: pack.evaluator_id, order: 'position' });
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const fileName = `${pack.study_name}-${pack.evaluator_id}-results-${stamp}.json`;
  const common = { study: { id: pack.study_id, name: pack.study_name }, evaluator: pack.evaluator_id, exported_at: new Date(now).toISOString() };
  const about = { id: pack.id, study: pack.study_name, evaluator: pack.evaluator_id, researcher: pack.researcher };
  const held = finished.map((r) => ({ review: r.id, seq: r.events[r.events.length - 1]?.seq ?? 0 }));
  const events = (r: (typeof finished)[number], rename: (e: ReviewEvent) => ReviewEvent): ResultsReview['events'] =>
    r.events.map((e) => ({ seq: e.seq, ...eventPayload(rename(e.event)), client_time: e.clientTime, server_time: e.serverTime }));

  if (!issue || issue.secret === null) {
    const body = {
      format: 'assay-results' as const,
      version: 1 as const,
      ...common,
      pack: { id: pack.id },
      reviews: finished.map((r) => ({
        record: r.record,
        started_at_ms: r.startedAt,
        submitted_at_ms: r.submittedAt,
        active_ms: r.activeMs,
        shown: [...r.shown],
        events: events(r, (e) => e),
      })),
    };
    const file: ResultsFileV1 = { ...body, hash: fileHash(body) };
    return { fileName, content: `${JSON.stringify(file)}\n`, reviews: finished.length, file, pack: about, held };
  }
  const reviews: ResultsReview[] = finished.map((r) => {
    const pin = itemPin(db, queueItem(db, r.itemId));
    pinnedRows(db, pin); // this database still holds exactly what the pack showed
    const toNeutral = (id: string): string => {
      const n = neutralIdOf(pin, id);
      if (n === undefined) throw new AppError('internal', `Review ${r.id} names critique "${id}", which its item does not show.`);
      return n;
    };
    return {
      record: renameRecord(r.record, toNeutral),
      started_at_ms: r.startedAt,
      submitted_at_ms: r.submittedAt,
      active_ms: r.activeMs,
      shown: r.shown.map(toNeutral),
      seen: { task: pin.taskHash, critiques: pin.critiques.map((c) => c.hash) },
      events: events(r, (e) => renameEventCritique(e, toNeutral)!),
    };
  });
  // the clock's endings, the question's answers and reopened reviews cannot be replayed by an
  // older reader, and flaws anchored with a `path` (multi-file tasks) would be refused as unknown
  // anchor fields: it must refuse the file as a whole (saying which version reads it), not fail on
  // one review
  const multiFile = reviews.some((r) => r.events.some((e) => anchorPathOf(e.payload) !== undefined)) || finished.some((r) => taskHasFiles(db, r.record.task));
  const requires = [...resultsRequires(reviews.flatMap((r) => r.events.map((e) => e.type))), ...(multiFile ? [multiFileRequirement()] : [])];
  const body = { format: 'assay-results' as const, version: 2 as const, requires, ...common, pack: { id: pack.id, issue: issue.issue }, reviews };
  const file: ResultsFileV2 = { ...body, hash: fileHash(body), mac: resultsMac(issue.secret, body) };
  return { fileName, content: `${JSON.stringify(file)}\n`, reviews: reviews.length, file, pack: about, held };
}

/** A validated review ready to merge: where it goes and exactly what to store (original critique ids). */
interface PreparedReview {
  readonly where: string;
  readonly item: QueueItemRow;
  /** What the item showed: stored, or computed now and stored with the review. */
  readonly pin: Pin;
  readonly task: string;
  readonly evaluator: string;
  readonly status: 'submitted' | 'skipped';
  readonly shown: readonly string[];
  readonly startedAt: number;
  readonly submittedAt: number;
  readonly activeMs: number;
  readonly events: readonly { event: ReviewEvent; clientTime: number | null; serverTime: number }[];
  readonly record: ReviewRecord;
}

interface Prepared {
  readonly study: StudyRow;
  readonly reviews: PreparedReview[];
  readonly authenticated: boolean;
  readonly formatVersion: number | null;
  readonly packId: string | null;
  readonly issue: string | null;
}

/** Fails with the place (`FILE:…`) and what is wrong. */
class Refusal extends Error {}

const itemStatements = new WeakMap<AnyDb, Statement>();

function itemOf(db: AnyDb, study: StudyRow, evaluator: string, task: string, where: string): QueueItemRow {
  let stmt = itemStatements.get(db);
  if (!stmt) {
    stmt = db.prepare('SELECT id, evaluator_id, task_id, study, condition, label, policy FROM queue_items WHERE study = $study AND evaluator_id = $evaluator AND task_id = $task');
    itemStatements.set(db, stmt);
  }
  const item = stmt.get({ study: study.name, evaluator, task }) as QueueItemRow | undefined;
  if (!item) throw new Refusal(`${where}: evaluator "${evaluator}" was not assigned task "${task}" in study "${study.name}"`);
  return item;
}

/** The item's pin, after checking (for a stored pin) that the task still holds exactly what it pinned. */
function checkedPin(db: AnyDb, item: QueueItemRow, where: string): Pin {
  const pin = itemPin(db, item);
  if (!pin.stored) return pin; // computed from the task as it is now
  try {
    pinnedRows(db, pin);
  } catch (err) {
    if (err instanceof AppError) throw new Refusal(`${where}: ${err.message}`);
    throw err;
  }
  return pin;
}

/**
 * Replays events with the review rules (the same checks the review screen's back end applies);
 * throws at the first one that may not follow, or whose flaw anchor does not resolve in the task.
 * Linear in the number of events (see replayChecked); the caps on flaws and events apply.
 */
function checkEvents(
  db: AnyDb,
  task: string,
  events: readonly { event: ReviewEvent; serverTime: number }[],
  shown: readonly string[],
  where: string,
  settings: StudySettings,
  startedAt: number,
): 'submitted' | 'skipped' {
  let indexes: TaskTextIndexes | undefined;
  const rules = { shownCritiques: new Set(shown), settings, deadline: itemDeadline(settings, startedAt) };
  const replayed = events.map((e) => e.event);
  const result = replayChecked(replayed, rules, (event) => {
    if ((event.type !== 'flaw-added' && event.type !== 'flaw-edited') || !event.flaw.anchor) return null;
    // anchors are checked per file: a multi-file task's flaw must name one of its files by `path`
    indexes ??= new TaskTextIndexes(viewTexts(getTaskView(db, task)));
    const r = resolveTaskAnchor(event.flaw.anchor, indexes.task, indexes);
    return r.ok ? null : `flaw.anchor.${r.error.path}: ${r.error.message}`;
  }, events.map((e) => e.serverTime));
  if (!result.ok) throw new Refusal(`${where}: event ${result.index + 1} (${replayed[result.index]!.type}): ${result.problem}`);
  if (result.state.status === 'open') throw new Refusal(`${where}: the review was neither submitted nor skipped`);
  return result.state.status;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/** The fields of a review record this Assay knows (a record may carry more: they are ignored). */
function knownRecord(r: ReviewRecord): unknown {
  const { task, evaluator, study, condition, started_at, submitted_at, active_seconds, rating, skipped, decisions, added, shown, reopened } = r;
  // fields older records lack count as the values they mean there
  return { task, evaluator, study, condition, started_at, submitted_at, active_seconds, rating, skipped, decisions, added, shown, reopened, ...recordDefaults(r) };
}

/** Refuses a record that breaks its study's settings, naming the record's field. */
function checkRecordSettings(r: ReviewRecord, settings: StudySettings, shown: readonly string[], times: { startedAt: number; submittedAt: number }, where: string): void {
  const problem = recordSettingsProblem(r, settings, shown, times);
  if (problem) throw new Refusal(`${where}: ${problem.field}: ${problem.message}`);
}

function prepareResults(db: AnyDb, raw: Record<string, unknown>, version: 1 | 2, fileName: string, studyName: string | undefined, now: number): Prepared {
  const parsed = version === 1 ? ResultsFileV1Schema.safeParse(raw) : ResultsFileV2Schema.safeParse(raw);
  if (!parsed.success) throw new Refusal(`${fileName}: ${firstIssue(parsed.error)}`);
  const file = parsed.data;
  // The hash (and the proof) cover the file as written, fields this Assay does not know included.
  if (fileHash(raw) !== file.hash) {
    throw new Refusal(`${fileName}: the content does not match its hash: the file was changed after export. Ask the evaluator to export it again.`);
  }
  const study = findStudyById(db, file.study.id);
  if (!study) throw new Refusal(`${fileName}: this file is for study "${file.study.name}" (id ${file.study.id}), which is not in this database`);
  if (studyName !== undefined && study.name !== studyName) throw new Refusal(`${fileName}: this file is for study "${study.name}", not "${studyName}"`);
  if (study.state === 'closed') throw new Refusal(`${fileName}: study "${study.name}" is closed: no more results can be merged into it`);
  if (study.review_here === 1) {
    throw new Refusal(`${fileName}: study "${study.name}" is reviewed on this machine, not from packs: it issued no pack, so no results file belongs to it (its reviews are already in this database)`);
  }
  const packRow = db.prepare(`SELECT study_id, evaluator_id FROM packs WHERE id = $id AND role = 'exported'`).get({ id: file.pack.id }) as
    | { study_id: string; evaluator_id: string }
    | undefined;
  if (!packRow || packRow.study_id !== study.id || packRow.evaluator_id !== file.evaluator) {
    throw new Refusal(`${fileName}: pack "${file.pack.id}" was never issued to evaluator "${file.evaluator}" in study "${study.name}"`);
  }
  // SECURITY: proof of origin. Only the pack's own secret (random, kept in this database and given
  // only to that evaluator) produces a valid mac: another evaluator cannot write results as them.
  if (file.version === 2) {
    const issue = db.prepare(`SELECT secret FROM pack_issues WHERE pack_id = $id AND role = 'exported' AND issue = $issue`).get({ id: file.pack.id, issue: file.pack.issue }) as
      | { secret: string | null }
      | undefined;
    if (!issue || issue.secret === null) {
      throw new Refusal(`${fileName}: pack "${file.pack.id}" of evaluator "${file.evaluator}" has no issue "${file.pack.issue}" in this database: these results did not come from a pack exported here`);
    }
    if (!sameMac(resultsMac(issue.secret, raw), file.mac)) {
      throw new Refusal(
        `${fileName}: the results do not prove they came from the pack issued to "${file.evaluator}" (their mac does not match the pack's secret), so they were refused. Only results exported by Assay from the database where "${file.evaluator}" opened that pack are accepted.`,
      );
    }
  } else if (!db.prepare(`SELECT 1 FROM pack_issues WHERE pack_id = $id AND role = 'exported' AND format_version = 1`).get({ id: file.pack.id })) {
    throw new Refusal(
      `${fileName}: a version-1 results file (no proof of origin), but the pack of "${file.evaluator}" was issued as version 2, with a secret. Version-1 results are accepted only for packs issued before that upgrade: ask "${file.evaluator}" to export the results again with the current Assay.`,
    );
  }
  const settings = parseStoredSettings(study.settings_json, `study "${study.name}"`);
  const seen = new Set<string>();
  const reviews = (file.reviews as readonly (ResultsReview | (Omit<ResultsReview, 'seen'> & { seen?: undefined }))[]).map((r, i): PreparedReview => {
    const where = `${fileName}: reviews.${i} (task "${r.record.task}")`;
    if (seen.has(r.record.task)) throw new Refusal(`${where}: a second review of the same task`);
    seen.add(r.record.task);
    if (r.record.evaluator !== file.evaluator) throw new Refusal(`${where}: evaluator "${r.record.evaluator}" is not the file's evaluator "${file.evaluator}"`);
    if (r.record.study !== study.name) throw new Refusal(`${where}: study "${r.record.study}" is not "${study.name}"`);
    const item = itemOf(db, study, file.evaluator, r.record.task, where);
    if (r.record.condition !== item.label && r.record.condition !== item.condition) {
      throw new Refusal(`${where}: condition "${r.record.condition}" does not match the assignment`);
    }
    // What the item showed, pinned when its pack was exported: the only mapping of k1…kn back to
    // the task's critiques. A decision can never move to a critique the evaluator did not see.
    const pin = checkedPin(db, item, where);
    if (version === 2 && !pin.stored) throw new Refusal(`${where}: this item was never issued in a pack (nothing was pinned for it)`);
    const neutral = pin.critiques.map((c) => c.neutralId);
    if (r.shown.join('\u0000') !== neutral.join('\u0000')) {
      throw new Refusal(`${where}: shown: the critiques shown (${r.shown.join(', ') || 'none'}) are not those this item was issued with (${neutral.join(', ') || 'none'})`);
    }
    if (r.seen) {
      if (r.seen.task !== pin.taskHash) throw new Refusal(`${where}: seen.task: the task this review was made on is not the task pinned for this item (its content differs)`);
      if (r.seen.critiques.length !== pin.critiques.length) {
        throw new Refusal(`${where}: seen.critiques: ${r.seen.critiques.length} critiques, but this item was issued with ${pin.critiques.length}`);
      }
      r.seen.critiques.forEach((hash, k) => {
        if (hash !== pin.critiques[k]!.hash) {
          throw new Refusal(
            `${where}: seen.critiques.${k}: the critique shown as ${pin.critiques[k]!.neutralId} is not the one pinned for this item (its content differs): its decision would be credited to another critique`,
          );
        }
      });
    }
    const events = r.events.map((e, k) => {
      if (e.seq !== k + 1) throw new Refusal(`${where}: events.${k}.seq: expected ${k + 1}, found ${e.seq} (the log has a gap)`);
      const parsedEvent = parseResultsEvent(e);
      if (!parsedEvent.success) throw new Refusal(`${where}: events.${k}: ${firstIssue(parsedEvent.error, '(event)')}`);
      return { event: parsedEvent.data, clientTime: e.client_time, serverTime: e.server_time };
    });
    const times = checkReviewTimes(
      { startedAt: r.started_at_ms, submittedAt: r.submitted_at_ms, activeMs: r.active_ms, events: events.map((e) => ({ clientTime: e.clientTime, serverTime: e.serverTime })) },
      now,
      resultsTimeFields,
    );
    if (times) throw new Refusal(`${where}: ${times.field}: ${times.message}`);
    checkRecordSettings(r.record, settings, r.shown, { startedAt: r.started_at_ms, submittedAt: r.submitted_at_ms }, `${where}: record`);
    const status = checkEvents(db, r.record.task, events, r.shown, where, settings, r.started_at_ms);
    const meta: ReviewRecordMeta = {
      task: r.record.task,
      evaluator: file.evaluator,
      study: study.name,
      condition: r.record.condition,
      startedAt: r.started_at_ms,
      submittedAt: r.submitted_at_ms,
      activeMs: r.active_ms,
      shown: r.shown,
    };
    if (canonicalJson(knownRecord(buildReviewRecord(meta, events.map((e) => e.event)))) !== canonicalJson(knownRecord(r.record))) {
      throw new Refusal(`${where}: the record does not match its event log`);
    }
    const toOriginal = (id: string): string | undefined => originalCritiqueId(pin, id);
    const mapped = events.map((e) => ({ ...e, event: renameEventCritique(e.event, toOriginal)! }));
    const shown = pin.critiques.map((c) => c.id);
    const record = buildReviewRecord({ ...meta, condition: item.condition, shown }, mapped.map((e) => e.event));
    return {
      where,
      item,
      pin,
      task: r.record.task,
      evaluator: file.evaluator,
      status,
      shown,
      startedAt: r.started_at_ms,
      submittedAt: r.submitted_at_ms,
      activeMs: r.active_ms,
      events: mapped,
      record,
    };
  });
  return { study, reviews, authenticated: version === 2, formatVersion: version, packId: file.pack.id, issue: version === 2 ? (file as ResultsFileV2).pack.issue : 'v1' };
}

/** Synthesises the event log of a record made outside Assay, in the order an evaluator would act. */
export function eventsFromRecord(record: ReviewRecord): ReviewEvent[] {
  const events: ReviewEvent[] = [];
  for (const d of record.decisions) {
    events.push({
      type: 'decision-recorded',
      critique: d.critique,
      verdict: d.verdict,
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
      ...(d.edited_text !== undefined ? { editedText: d.edited_text } : {}),
    });
  }
  for (const f of record.added) events.push({ type: 'flaw-added', flaw: { ...f } });
  if (record.rating !== null) events.push({ type: 'rating-set', rating: record.rating });
  const { answer, confidence, ended_by } = recordDefaults(record);
  if (answer !== null) events.push({ type: 'answer-set', answer });
  if (confidence !== null) events.push({ type: 'confidence-set', confidence });
  if (ended_by === 'time-limit') events.push({ type: 'time-expired', outcome: record.skipped ? 'skipped' : 'submitted' });
  else events.push(record.skipped ? { type: 'skipped', reason: record.skipped.reason } : { type: 'submitted' });
  return events;
}

/** Active time in a review record is rounded to 0.1 s, so it may exceed the wall time by up to 50 ms. */
const recordActiveToleranceMs = 50;

function prepareRecords(db: AnyDb, text: string, fileName: string, studyName: string | undefined, now: number): Prepared {
  let study: StudyRow | undefined;
  let settings: StudySettings | undefined;
  const reviews: PreparedReview[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${fileName}:${i + 1}`;
    let raw: unknown;
    try {
      raw = parseUntrustedJson(line);
    } catch (err) {
      throw new Refusal(`${where}: not JSON (${(err as Error).message})`);
    }
    if (mayHaveSurrogateEscape(line)) {
      const lone = findLoneSurrogate(raw);
      if (lone) throw new Refusal(`${where}: ${dottedPath(lone.path, '(record)')}: ${loneSurrogateMessage(lone)}`);
    }
    const parsed = ReviewRecordSchema.safeParse(raw);
    if (!parsed.success) throw new Refusal(`${where}: ${firstIssue(parsed.error, '(record)')}`);
    const r = parsed.data;
    const name = studyName ?? r.study;
    if (studyName !== undefined && r.study !== studyName) throw new Refusal(`${where}: study: "${r.study}" is not "${studyName}"`);
    if (!study) {
      study = findStudy(db, name);
      if (!study) throw new Refusal(`${where}: study: no study "${name}" in this database`);
      if (study.state === 'closed') throw new Refusal(`${where}: study: "${study.name}" is closed: no more results can be merged into it`);
      settings = parseStoredSettings(study.settings_json, `study "${study.name}"`);
    } else if (name !== study.name) {
      throw new Refusal(`${where}: study: "${name}" differs from the file's first record ("${study.name}"); use one file per study`);
    }
    const item = itemOf(db, study, r.evaluator, r.task, where);
    const key = `${r.evaluator}\u0000${r.task}`;
    if (seen.has(key)) throw new Refusal(`${where}: a second record for task "${r.task}" by "${r.evaluator}"`);
    seen.add(key);
    if (r.condition !== item.condition) {
      throw new Refusal(`${where}: condition: "${r.condition}" does not match the assignment ("${item.condition}")`);
    }
    // Records made outside Assay name critiques by their original ids; the item's pin says which it shows.
    const pin = checkedPin(db, item, where);
    const shown = pin.critiques.map((c) => c.id);
    r.decisions.forEach((d, k) => {
      if (!shown.includes(d.critique)) {
        const policy = studyConditions(db, study!.id).find((c) => c.name === item.condition)?.policy ?? item.policy;
        throw new Refusal(`${where}: decisions.${k}.critique: critique "${d.critique}" was not shown in condition "${item.condition}" (policy ${policy})`);
      }
    });
    if (r.shown !== undefined && !sameSet(r.shown, shown)) {
      throw new Refusal(`${where}: shown: the critiques listed are not those condition "${item.condition}" shows (${shown.join(', ') || 'none'})`);
    }
    const startedAt = Date.parse(r.started_at);
    const submittedAt = Date.parse(r.submitted_at);
    const activeMs = Math.round(r.active_seconds * 1000);
    const times = checkReviewTimes({ startedAt, submittedAt, activeMs }, now, recordTimeFields, recordActiveToleranceMs);
    if (times) throw new Refusal(`${where}: ${times.field}: ${times.message}`);
    checkRecordSettings(r, settings!, shown, { startedAt, submittedAt }, where);
    const events = eventsFromRecord(r);
    events.forEach((e, k) => {
      const p = ReviewEventSchema.safeParse(e);
      if (!p.success) throw new Refusal(`${where}: ${firstIssue(p.error, '(event)')} (in synthesised event ${k + 1}, ${e.type})`);
    });
    // A record has no event times: its actions are stamped at the submission, except that under a
    // clock's ending they are taken to precede the deadline (an outside tool may note the ending later).
    const deadline = itemDeadline(settings!, startedAt);
    const timed = events.map((event) => ({
      event,
      serverTime: deadline !== null && event.type !== 'time-expired' && recordDefaults(r).ended_by === 'time-limit' ? Math.min(submittedAt, deadline) : submittedAt,
    }));
    const status = checkEvents(db, r.task, timed, shown, where, settings!, startedAt);
    const meta = { task: r.task, evaluator: r.evaluator, study: study.name, condition: item.condition, startedAt, submittedAt, activeMs, shown };
    const record = buildReviewRecord(meta, events);
    // Decisions in any order (the stored record lists them in display order).
    const content = (x: ReviewRecord): string =>
      canonicalJson({
        rating: x.rating,
        skipped: x.skipped,
        decisions: [...x.decisions].sort((a, b) => a.critique.localeCompare(b.critique)),
        added: x.added,
        ...recordDefaults(x),
      });
    if (content(record) !== content(r)) {
      throw new Refusal(`${where}: the record contradicts itself (a rating or an answer on a skipped review, or two decisions on one critique)`);
    }
    reviews.push({
      where,
      item,
      pin,
      task: r.task,
      evaluator: r.evaluator,
      status,
      shown,
      startedAt,
      submittedAt,
      activeMs,
      events: timed.map((e) => ({ ...e, clientTime: null })),
      record,
    });
  });
  if (!study) throw new Refusal(`${fileName}: no review records in the file`);
  return { study, reviews, authenticated: false, formatVersion: null, packId: null, issue: null };
}

/** The review stored for a queue item, as the merge compares it. */
type StoredReview =
  | { readonly kind: 'none' }
  | { readonly kind: 'open'; readonly local: boolean }
  | { readonly kind: 'finished'; readonly id: number; readonly local: boolean; readonly record: ReviewRecord; readonly events: readonly StoredEvent[] };

/** The review stored for a queue item; `local`: made in this database, not merged from a file. */
function storedReview(db: AnyDb, itemId: number): StoredReview {
  const row = db
    .prepare('SELECT r.id, r.status, (SELECT count(*) FROM imported_reviews i WHERE i.review_id = r.id) AS imported FROM reviews r WHERE r.queue_item_id = $itemId')
    .get({ itemId }) as { id: number; status: string; imported: number } | undefined;
  if (!row) return { kind: 'none' };
  const local = row.imported === 0;
  if (row.status === 'open') return { kind: 'open', local };
  const finished = finishedReviews(db, { itemId })[0]!;
  return { kind: 'finished', id: row.id, local, record: finished.record, events: finished.events };
}

/** One logged event as the merge compares it: what happened and when, by both clocks. */
function eventKey(e: { readonly event: ReviewEvent; readonly clientTime: number | null; readonly serverTime: number }): string {
  return canonicalJson({ ...eventPayload(e.event), clientTime: e.clientTime, serverTime: e.serverTime });
}

/** True when `longer` starts with every event of `shorter`, in order, and has more. */
function extendsLog(longer: readonly Parameters<typeof eventKey>[0][], shorter: readonly Parameters<typeof eventKey>[0][]): boolean {
  return longer.length > shorter.length && shorter.every((e, i) => eventKey(e) === eventKey(longer[i]!));
}

/** What the merge does with one prepared review. */
type MergeStep =
  | { readonly kind: 'add' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'revise'; readonly review: number; readonly fromSeq: number }
  | { readonly kind: 'conflict'; readonly message: string };

/**
 * The merge rule for one review (docs/studies.md, "Merging"): none stored → add; the same → unchanged;
 * the file's log extends the stored one (the same events, then more: the evaluator reopened it and
 * finished it again) → a newer revision; the stored log extends the file's (an older export) →
 * unchanged; anything else, or a review under way here → a conflict, and nothing is overwritten.
 */
function mergeStep(stored: StoredReview, r: PreparedReview, kind: 'results' | 'records'): MergeStep {
  const here = 'this item was reviewed on this machine (in this database), not only from the pack';
  switch (stored.kind) {
    case 'none':
      return { kind: 'add' };
    case 'open':
      return { kind: 'conflict', message: stored.local ? `${here}, and that review is under way; nothing was overwritten` : 'a review of this item is under way in this database; nothing was overwritten' };
    case 'finished':
      if (canonicalJson(stored.record) === canonicalJson(r.record)) return { kind: 'unchanged' };
      // Only a results file carries the evaluator's real log; a record's log is synthesised.
      if (kind === 'results' && !stored.local) {
        if (extendsLog(r.events, stored.events)) return { kind: 'revise', review: stored.id, fromSeq: stored.events.length + 1 };
        if (extendsLog(stored.events, r.events)) return { kind: 'unchanged' };
      }
      return {
        kind: 'conflict',
        message: stored.local
          ? `${here}: the two reviews collide; nothing was overwritten`
          : 'this database holds a different review of this item (neither log extends the other); nothing was overwritten',
      };
    default:
      return assertNever(stored, 'stored review');
  }
}

function merge(
  db: WritableDb,
  prepared: Prepared,
  info: { kind: 'results' | 'records'; source: string; hash: string },
  now: number,
): Pick<ResultsFileReport, 'added' | 'unchanged' | 'revised' | 'conflicts'> {
  return db.transaction(() => {
    const state = (db.prepare('SELECT state FROM studies WHERE id = $id').get({ id: prepared.study.id }) as { state: string }).state;
    if (state === 'closed') throw new Refusal(`${info.source}: study "${prepared.study.name}" is closed: no more results can be merged into it`);
    let added = 0;
    let unchanged = 0;
    const conflicts: ResultsFileReport['conflicts'] = [];
    const toAdd: PreparedReview[] = [];
    const toRevise: { r: PreparedReview; review: number; fromSeq: number }[] = [];
    for (const r of prepared.reviews) {
      const step = mergeStep(storedReview(db, r.item.id), r, info.kind);
      if (step.kind === 'add') toAdd.push(r);
      else if (step.kind === 'unchanged') unchanged++;
      else if (step.kind === 'revise') toRevise.push({ r, review: step.review, fromSeq: step.fromSeq });
      else conflicts.push({ task: r.task, evaluator: r.evaluator, message: step.message });
    }
    if (toAdd.length === 0 && toRevise.length === 0) return { added, unchanged, revised: 0, conflicts };
    const importId = Number(
      db
        .prepare(
          `INSERT INTO result_imports (study_id, pack_id, kind, source, content_hash, added, unchanged, conflicts, imported_at, authenticated, format_version, pack_issue, revised)
           VALUES ($study, $pack, $kind, $source, $hash, $added, $unchanged, $conflicts, $now, $authenticated, $version, $issue, $revised)`,
        )
        .run({
          study: prepared.study.id,
          pack: prepared.packId,
          kind: info.kind,
          source: info.source,
          hash: info.hash,
          added: toAdd.length,
          unchanged,
          conflicts: conflicts.length,
          now,
          authenticated: prepared.authenticated ? 1 : 0,
          version: prepared.formatVersion,
          issue: prepared.issue,
          revised: toRevise.length,
        }).lastInsertRowid,
    );
    freezeStudy(db, prepared.study.name, now);
    const insertReview = db.prepare(
      `INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, submitted_at, active_ms, active_updated_at, last_seq)
       VALUES ($item, $status, $shown, $startedAt, $submittedAt, $submittedAt, $activeMs, $submittedAt, $lastSeq)`,
    );
    const insertEvent = db.prepare(
      `INSERT INTO review_events (review_id, seq, type, payload_json, client_time, server_time, client_event_id)
       VALUES ($review, $seq, $type, $payload, $clientTime, $serverTime, NULL)`,
    );
    const mark = db.prepare(`INSERT INTO imported_reviews (review_id, import_id, origin) VALUES ($review, $importId, $origin)`);
    for (const r of toAdd) {
      // pin what the review showed, if it was not yet (refused if the task changed since it was read)
      let pin: Pin;
      try {
        pin = storePin(db, r.pin, now);
      } catch (err) {
        if (err instanceof AppError) throw new Refusal(`${r.where}: ${err.message}`);
        throw err;
      }
      if (!samePin(pin, r.pin)) throw new Refusal(`${r.where}: what this item shows changed during the import`);
      const review = Number(
        insertReview.run({
          item: r.item.id,
          status: r.status,
          shown: JSON.stringify(r.shown),
          startedAt: r.startedAt,
          submittedAt: r.submittedAt,
          activeMs: r.activeMs,
          lastSeq: r.events.length,
        }).lastInsertRowid,
      );
      r.events.forEach((e, i) => {
        const { type, payload } = eventPayload(e.event);
        insertEvent.run({ review, seq: i + 1, type, payload: JSON.stringify(payload), clientTime: e.clientTime, serverTime: e.serverTime });
      });
      mark.run({ review, importId, origin: info.kind });
      added++;
    }
    // A newer revision: the events after the stored ones are appended (the log stays append-only)
    // and the review takes the revision's status, times and active time.
    const revise = db.prepare(
      `UPDATE reviews SET status = $status, submitted_at = $submittedAt, updated_at = $submittedAt, active_ms = $activeMs,
              active_updated_at = $submittedAt, last_seq = $lastSeq
        WHERE id = $review`,
    );
    const revision = db.prepare('INSERT INTO review_revisions (review_id, import_id, from_seq, to_seq) VALUES ($review, $importId, $from, $to)');
    for (const { r, review, fromSeq } of toRevise) {
      r.events.slice(fromSeq - 1).forEach((e, i) => {
        const { type, payload } = eventPayload(e.event);
        insertEvent.run({ review, seq: fromSeq + i, type, payload: JSON.stringify(payload), clientTime: e.clientTime, serverTime: e.serverTime });
      });
      revise.run({ review, status: r.status, submittedAt: r.submittedAt, activeMs: r.activeMs, lastSeq: r.events.length });
      revision.run({ review, importId, from: fromSeq, to: r.events.length });
    }
    return { added, unchanged, revised: toRevise.length, conflicts };
  }).immediate();
}

/**
 * Merges results files into their studies. Each file is all-or-nothing for validation (a tampered,
 * forged, foreign or invalid file is refused whole); reviews that clash with a different stored
 * review are reported as conflicts and never overwrite it; a review already stored is left
 * unchanged, so importing the same file twice changes nothing. Plain review-record JSONL (no event
 * log, no hash, no proof of origin) is validated against the study's assignment and stored with a
 * synthesised event log.
 */
export function importResults(
  db: WritableDb,
  files: readonly { fileName: string; content: string }[],
  options: { study?: string | undefined } = {},
  now = Date.now(),
): ResultsFileReport[] {
  return files.map(({ fileName, content }) => {
    const report: ResultsFileReport = {
      file: fileName,
      status: 'refused',
      error: null,
      study: null,
      evaluator: null,
      authenticated: false,
      formatVersion: null,
      added: 0,
      unchanged: 0,
      revised: 0,
      conflicts: [],
    };
    try {
      let whole: unknown = undefined;
      try {
        whole = parseUntrustedJson(content);
      } catch {
        // not one JSON document: review-record JSONL
      }
      const isObject = whole !== null && typeof whole === 'object' && !Array.isArray(whole);
      const format = isObject ? (whole as { format?: unknown }).format : undefined;
      // A pack or a task package given to the results import: say where it belongs.
      const misplaced = misplacedFileMessage(fileName, whole !== undefined ? recognizeValue(whole) : recognizeFile(content.slice(0, RECOGNIZE_HEAD_CHARS)), 'results-import');
      if (misplaced) throw new Refusal(misplaced);
      if (format !== undefined) {
        if (format !== 'assay-results') throw new Refusal(`${fileName}: not a results file (format ${JSON.stringify(format)}; expected "assay-results" or review-record JSONL)`);
        const { raw, version } = readStudyDocument(whole, fileName, 'assay-results');
        const prepared = prepareResults(db, raw, version, fileName, options.study, now);
        report.study = prepared.study.name;
        report.evaluator = raw['evaluator'] as string;
        report.formatVersion = version;
        report.authenticated = prepared.authenticated;
        Object.assign(report, merge(db, prepared, { kind: 'results', source: fileName, hash: raw['hash'] as string }, now));
      } else {
        const prepared = prepareRecords(db, content, fileName, options.study, now);
        report.study = prepared.study.name;
        const evaluators = [...new Set(prepared.reviews.map((r) => r.evaluator))];
        report.evaluator = evaluators.length === 1 ? evaluators[0]! : null;
        Object.assign(report, merge(db, prepared, { kind: 'records', source: fileName, hash: fileHash({ content }) }, now));
      }
      report.status = 'merged';
    } catch (err) {
      if (err instanceof Refusal || err instanceof AppError) {
        report.error = err.message;
        report.study = null;
        report.evaluator = null;
        report.authenticated = false;
      } else throw err;
    }
    return report;
  });
}
