import type { ResultsFileReport } from '../../../shared/contract/studies.js';
import { AppError } from '../../../shared/result.js';
import { eventPayload, ReviewEventSchema, type ReviewEvent } from '../../../shared/review/events.js';
import { buildReviewRecord, ReviewRecordSchema, type ReviewRecord } from '../../../shared/review/record.js';
import { replayChecked } from '../../../shared/review/state.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { ResultsFileSchema, type ResultsFile, type ResultsReview } from '../../../shared/study/formats.js';
import { resolveAnchor, TextIndex } from '../../../shared/anchors.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { getTaskView } from '../tasks/repository.js';
import { loadEvents } from '../reviews/repository.js';
import { fileHash, packId } from './hash.js';
import { neutralCritiqueId, shownCritiqueRows } from './packs.js';
import { findStudy, findStudyById, studyConditions, type StudyRow } from './repository.js';

interface ImportedPackRow {
  id: string;
  study_id: string;
  study_name: string;
  evaluator_id: string;
}

function choosePack(db: AnyDb, pack: string | undefined): ImportedPackRow {
  const packs = db.prepare(`SELECT id, study_id, study_name, evaluator_id FROM packs WHERE role = 'imported' ORDER BY recorded_at, id`).all() as ImportedPackRow[];
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

interface FinishedRow {
  review_id: number;
  task_id: string;
  condition: string;
  started_at: number;
  submitted_at: number;
  active_ms: number;
  shown_json: string;
}

/**
 * The evaluator's results of one opened pack: every submitted or skipped review with its record,
 * exact times and full event log, and a content hash over it all.
 */
export function exportResults(db: AnyDb, options: { pack?: string | undefined } = {}, now = Date.now()): { fileName: string; content: string; reviews: number; file: ResultsFile } {
  const pack = choosePack(db, options.pack);
  const rows = db
    .prepare(
      `SELECT r.id AS review_id, q.task_id, q.condition, r.started_at, r.submitted_at, r.active_ms, r.shown_json
         FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id
        WHERE q.study = $study AND q.evaluator_id = $evaluator AND r.status IN ('submitted', 'skipped')
        ORDER BY q.position`,
    )
    .all({ study: pack.study_name, evaluator: pack.evaluator_id }) as FinishedRow[];
  const eventRows = db.prepare('SELECT seq, type, payload_json, client_time, server_time FROM review_events WHERE review_id = $review ORDER BY seq');
  const reviews: ResultsReview[] = rows.map((r) => {
    const shown = JSON.parse(r.shown_json) as string[];
    const events = loadEvents(db, r.review_id).map((e) => e.event);
    return {
      record: buildReviewRecord(
        {
          task: r.task_id,
          evaluator: pack.evaluator_id,
          study: pack.study_name,
          condition: r.condition,
          startedAt: r.started_at,
          submittedAt: r.submitted_at,
          activeMs: r.active_ms,
          shown,
        },
        events,
      ),
      started_at_ms: r.started_at,
      submitted_at_ms: r.submitted_at,
      active_ms: r.active_ms,
      shown,
      events: (eventRows.all({ review: r.review_id }) as { seq: number; type: string; payload_json: string; client_time: number | null; server_time: number }[]).map(
        (e) => ({ seq: e.seq, type: e.type, payload: JSON.parse(e.payload_json) as Record<string, unknown>, client_time: e.client_time, server_time: e.server_time }),
      ),
    };
  });
  const body = {
    format: 'assay-results' as const,
    version: 1 as const,
    study: { id: pack.study_id, name: pack.study_name },
    pack: { id: pack.id },
    evaluator: pack.evaluator_id,
    exported_at: new Date(now).toISOString(),
    reviews,
  };
  const file: ResultsFile = { ...body, hash: fileHash(body) };
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return { fileName: `${pack.study_name}-${pack.evaluator_id}-results-${stamp}.json`, content: `${JSON.stringify(file)}\n`, reviews: reviews.length, file };
}

/** A validated review ready to merge: where it goes and exactly what to store. */
interface PreparedReview {
  readonly where: string;
  readonly itemId: number;
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

interface ItemRow {
  id: number;
  condition: string;
  label: string;
  policy: string;
}

/** Fails with the place (`FILE:…`) and what is wrong. */
class Refusal extends Error {}

function itemOf(db: AnyDb, study: StudyRow, evaluator: string, task: string, where: string): ItemRow {
  const item = db
    .prepare('SELECT id, condition, label, policy FROM queue_items WHERE study = $study AND evaluator_id = $evaluator AND task_id = $task')
    .get({ study: study.name, evaluator, task }) as ItemRow | undefined;
  if (!item) throw new Refusal(`${where}: evaluator "${evaluator}" was not assigned task "${task}" in study "${study.name}"`);
  return item;
}

/**
 * Replays events with the review rules (the same checks the review screen's back end applies);
 * throws at the first one that may not follow, or whose flaw anchor does not resolve in the task.
 * Linear in the number of events (see replayChecked); the caps on flaws and events apply.
 */
function checkEvents(db: AnyDb, task: string, events: readonly ReviewEvent[], shown: readonly string[], where: string): 'submitted' | 'skipped' {
  let view: { output: string; base: string | null; index: TextIndex } | undefined;
  const result = replayChecked(events, { shownCritiques: new Set(shown) }, (event) => {
    if ((event.type !== 'flaw-added' && event.type !== 'flaw-edited') || !event.flaw.anchor) return null;
    if (!view) {
      const t = getTaskView(db, task);
      view = { output: t.output, base: t.base, index: new TextIndex(t.output) };
    }
    const r = resolveAnchor(event.flaw.anchor, view.output, { base: view.base, index: view.index });
    return r.ok ? null : `flaw.anchor.${r.error.path}: ${r.error.message}`;
  });
  if (!result.ok) throw new Refusal(`${where}: event ${result.index + 1} (${events[result.index]!.type}): ${result.problem}`);
  if (result.state.status === 'open') throw new Refusal(`${where}: the review was neither submitted nor skipped`);
  return result.state.status;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, root = '(file)'): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || root}: ${issue.message}`;
}

function prepareResults(db: AnyDb, file: ResultsFile, fileName: string, studyName: string | undefined): { study: StudyRow; reviews: PreparedReview[] } {
  const study = findStudyById(db, file.study.id);
  if (!study) throw new Refusal(`${fileName}: this file is for study "${file.study.name}" (id ${file.study.id}), which is not in this database`);
  if (studyName !== undefined && study.name !== studyName) throw new Refusal(`${fileName}: this file is for study "${study.name}", not "${studyName}"`);
  if (file.pack.id !== packId(study.id, file.evaluator)) {
    throw new Refusal(`${fileName}: pack "${file.pack.id}" was never issued to evaluator "${file.evaluator}" in study "${study.name}"`);
  }
  const seen = new Set<string>();
  return {
    study,
    reviews: file.reviews.map((r, i) => {
      const where = `${fileName}: reviews.${i} (task "${r.record.task}")`;
      if (seen.has(r.record.task)) throw new Refusal(`${where}: a second review of the same task`);
      seen.add(r.record.task);
      if (r.record.evaluator !== file.evaluator) throw new Refusal(`${where}: evaluator "${r.record.evaluator}" is not the file's evaluator "${file.evaluator}"`);
      if (r.record.study !== study.name) throw new Refusal(`${where}: study "${r.record.study}" is not "${study.name}"`);
      const item = itemOf(db, study, file.evaluator, r.record.task, where);
      if (r.record.condition !== item.label && r.record.condition !== item.condition) {
        throw new Refusal(`${where}: condition "${r.record.condition}" does not match the assignment`);
      }
      const expected = item.policy === 'none' ? [] : shownCritiqueRows(db, r.record.task, item.policy).map((c) => c.id);
      // Packs name critiques k1, k2, … (neutralCritiqueId); a review made in this database uses the original ids.
      const neutral = expected.map((_, i) => neutralCritiqueId(i));
      let toOriginal: (id: string) => string;
      if (sameSet(r.shown, neutral)) toOriginal = (id) => expected[neutral.indexOf(id)] ?? id;
      else if (sameSet(r.shown, expected)) toOriginal = (id) => id;
      else throw new Refusal(`${where}: the critiques shown (${r.shown.join(', ') || 'none'}) are not those the condition shows`);
      const events = r.events.map((e, k) => {
        if (e.seq !== k + 1) throw new Refusal(`${where}: events.${k}.seq: expected ${k + 1}, found ${e.seq} (the log has a gap)`);
        const parsed = ReviewEventSchema.safeParse({ ...e.payload, type: e.type });
        if (!parsed.success) throw new Refusal(`${where}: events.${k}: ${firstIssue(parsed.error, '(event)')}`);
        return { event: parsed.data, clientTime: e.client_time, serverTime: e.server_time };
      });
      const status = checkEvents(
        db,
        r.record.task,
        events.map((e) => e.event),
        r.shown,
        where,
      );
      const meta = {
        task: r.record.task,
        evaluator: file.evaluator,
        study: study.name,
        condition: r.record.condition,
        startedAt: r.started_at_ms,
        submittedAt: r.submitted_at_ms,
        activeMs: r.active_ms,
        shown: r.shown,
      };
      if (canonicalJson(buildReviewRecord(meta, events.map((e) => e.event))) !== canonicalJson(r.record)) {
        throw new Refusal(`${where}: the record does not match its event log`);
      }
      const mapped = events.map((e) => ({ ...e, event: withOriginalCritique(e.event, toOriginal) }));
      const shown = r.shown.map(toOriginal);
      const record = buildReviewRecord({ ...meta, condition: item.condition, shown }, mapped.map((e) => e.event));
      return {
        where,
        itemId: item.id,
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
    }),
  };
}

/** The event with its critique id (if any) translated from the pack's neutral id to the original. */
function withOriginalCritique(event: ReviewEvent, toOriginal: (id: string) => string): ReviewEvent {
  if (event.type === 'decision-recorded' || event.type === 'decision-cleared') return { ...event, critique: toOriginal(event.critique) };
  return event;
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
  events.push(record.skipped ? { type: 'skipped', reason: record.skipped.reason } : { type: 'submitted' });
  return events;
}

function prepareRecords(db: AnyDb, text: string, fileName: string, studyName: string | undefined): { study: StudyRow; reviews: PreparedReview[] } {
  let study: StudyRow | undefined;
  const reviews: PreparedReview[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${fileName}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new Refusal(`${where}: not JSON (${(err as Error).message})`);
    }
    const parsed = ReviewRecordSchema.safeParse(raw);
    if (!parsed.success) throw new Refusal(`${where}: ${firstIssue(parsed.error, '(record)')}`);
    const r = parsed.data;
    const name = studyName ?? r.study;
    if (studyName !== undefined && r.study !== studyName) throw new Refusal(`${where}: study: "${r.study}" is not "${studyName}"`);
    if (!study) {
      study = findStudy(db, name);
      if (!study) throw new Refusal(`${where}: study: no study "${name}" in this database`);
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
    const shown = item.policy === 'none' ? [] : shownCritiqueRows(db, r.task, item.policy).map((c) => c.id);
    const policy = studyConditions(db, study.id).find((c) => c.name === item.condition)?.policy ?? item.policy;
    r.decisions.forEach((d, k) => {
      if (!shown.includes(d.critique)) {
        throw new Refusal(`${where}: decisions.${k}.critique: critique "${d.critique}" was not shown in condition "${item.condition}" (policy ${policy})`);
      }
    });
    if (r.shown !== undefined && !sameSet(r.shown, shown)) {
      throw new Refusal(`${where}: shown: the critiques listed are not those condition "${item.condition}" shows (${shown.join(', ') || 'none'})`);
    }
    const events = eventsFromRecord(r);
    events.forEach((e, k) => {
      const p = ReviewEventSchema.safeParse(e);
      if (!p.success) throw new Refusal(`${where}: ${firstIssue(p.error, '(event)')} (in synthesised event ${k + 1}, ${e.type})`);
    });
    const status = checkEvents(db, r.task, events, shown, where);
    const startedAt = Date.parse(r.started_at);
    const submittedAt = Date.parse(r.submitted_at);
    if (submittedAt < startedAt) throw new Refusal(`${where}: submitted_at is before started_at`);
    const activeMs = Math.round(r.active_seconds * 1000);
    const meta = { task: r.task, evaluator: r.evaluator, study: study.name, condition: item.condition, startedAt, submittedAt, activeMs, shown };
    const record = buildReviewRecord(meta, events);
    // Decisions in any order (the stored record lists them in display order).
    const content = (x: ReviewRecord): string =>
      canonicalJson({ rating: x.rating, skipped: x.skipped, decisions: [...x.decisions].sort((a, b) => a.critique.localeCompare(b.critique)), added: x.added });
    if (content(record) !== content(r)) throw new Refusal(`${where}: the record contradicts itself (a rating on a skipped review, or two decisions on one critique)`);
    reviews.push({
      where,
      itemId: item.id,
      task: r.task,
      evaluator: r.evaluator,
      status,
      shown,
      startedAt,
      submittedAt,
      activeMs,
      events: events.map((event) => ({ event, clientTime: null, serverTime: submittedAt })),
      record,
    });
  });
  if (!study) throw new Refusal(`${fileName}: no review records in the file`);
  return { study, reviews };
}

/** The record of the review stored for a queue item, or 'open' while it is under way, or null. */
function storedRecord(db: AnyDb, itemId: number): ReviewRecord | 'open' | null {
  const row = db
    .prepare(
      `SELECT r.id, r.status, r.shown_json, r.started_at, r.submitted_at, r.active_ms, q.task_id, q.evaluator_id, q.study, q.condition
         FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.id = $itemId`,
    )
    .get({ itemId }) as
    | { id: number; status: string; shown_json: string; started_at: number; submitted_at: number; active_ms: number; task_id: string; evaluator_id: string; study: string; condition: string }
    | undefined;
  if (!row) return null;
  if (row.status === 'open') return 'open';
  return buildReviewRecord(
    {
      task: row.task_id,
      evaluator: row.evaluator_id,
      study: row.study,
      condition: row.condition,
      startedAt: row.started_at,
      submittedAt: row.submitted_at,
      activeMs: row.active_ms,
      shown: JSON.parse(row.shown_json) as string[],
    },
    loadEvents(db, row.id).map((e) => e.event),
  );
}

function merge(
  db: WritableDb,
  prepared: { study: StudyRow; reviews: PreparedReview[] },
  info: { kind: 'results' | 'records'; packId: string | null; source: string; hash: string },
  now: number,
): Pick<ResultsFileReport, 'added' | 'unchanged' | 'conflicts'> {
  return db.transaction(() => {
    let added = 0;
    let unchanged = 0;
    const conflicts: ResultsFileReport['conflicts'] = [];
    const toAdd: PreparedReview[] = [];
    for (const r of prepared.reviews) {
      const stored = storedRecord(db, r.itemId);
      if (stored === null) toAdd.push(r);
      else if (stored === 'open') conflicts.push({ task: r.task, evaluator: r.evaluator, message: 'a review of this item is under way in this database; nothing was overwritten' });
      else if (canonicalJson(stored) === canonicalJson(r.record)) unchanged++;
      else conflicts.push({ task: r.task, evaluator: r.evaluator, message: 'this database holds a different review of this item; nothing was overwritten' });
    }
    if (toAdd.length === 0) return { added, unchanged, conflicts };
    const importId = Number(
      db
        .prepare(
          `INSERT INTO result_imports (study_id, pack_id, kind, source, content_hash, added, unchanged, conflicts, imported_at)
           VALUES ($study, $pack, $kind, $source, $hash, $added, $unchanged, $conflicts, $now)`,
        )
        .run({ study: prepared.study.id, pack: info.packId, kind: info.kind, source: info.source, hash: info.hash, added: toAdd.length, unchanged, conflicts: conflicts.length, now })
        .lastInsertRowid,
    );
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
      const review = Number(
        insertReview.run({
          item: r.itemId,
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
    return { added, unchanged, conflicts };
  }).immediate();
}

/**
 * Merges results files into their studies. Each file is all-or-nothing for validation (a tampered,
 * foreign or invalid file is refused whole); reviews that clash with a different stored review are
 * reported as conflicts and never overwrite it; a review already stored is left unchanged, so
 * importing the same file twice changes nothing. Plain review-record JSONL (no event log, no hash)
 * is validated against the study's assignment and stored with a synthesised event log.
 */
export function importResults(
  db: WritableDb,
  files: readonly { fileName: string; content: string }[],
  options: { study?: string | undefined } = {},
  now = Date.now(),
): ResultsFileReport[] {
  return files.map(({ fileName, content }) => {
    const report: ResultsFileReport = { file: fileName, status: 'refused', error: null, study: null, evaluator: null, added: 0, unchanged: 0, conflicts: [] };
    try {
      let whole: unknown = undefined;
      try {
        whole = JSON.parse(content);
      } catch {
        // not one JSON document: review-record JSONL
      }
      const isObject = whole !== null && typeof whole === 'object' && !Array.isArray(whole);
      const format = isObject ? (whole as { format?: unknown }).format : undefined;
      if (format === 'assay-results') {
        const parsed = ResultsFileSchema.safeParse(whole);
        if (!parsed.success) throw new Refusal(`${fileName}: ${firstIssue(parsed.error)}`);
        if (fileHash(parsed.data) !== parsed.data.hash) {
          throw new Refusal(`${fileName}: the content does not match its hash: the file was changed after export. Ask the evaluator to export it again.`);
        }
        const prepared = prepareResults(db, parsed.data, fileName, options.study);
        report.study = prepared.study.name;
        report.evaluator = parsed.data.evaluator;
        Object.assign(report, merge(db, prepared, { kind: 'results', packId: parsed.data.pack.id, source: fileName, hash: parsed.data.hash }, now));
      } else if (format !== undefined) {
        throw new Refusal(`${fileName}: not a results file (format ${JSON.stringify(format)}; expected "assay-results" or review-record JSONL)`);
      } else {
        const prepared = prepareRecords(db, content, fileName, options.study);
        report.study = prepared.study.name;
        const evaluators = [...new Set(prepared.reviews.map((r) => r.evaluator))];
        report.evaluator = evaluators.length === 1 ? evaluators[0]! : null;
        const hash = fileHash({ content });
        Object.assign(report, merge(db, prepared, { kind: 'records', packId: null, source: fileName, hash }, now));
      }
      report.status = 'merged';
    } catch (err) {
      if (err instanceof Refusal || err instanceof AppError) report.error = err.message;
      else throw err;
    }
    return report;
  });
}
