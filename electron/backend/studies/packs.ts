import type { ImportedPack } from '../../../shared/contract/studies.js';
import { misplacedFileMessage, recognizeFile, RECOGNIZE_HEAD_CHARS } from '../../../shared/file-kind.js';
import { parsePolicy } from '../../../shared/policy.js';
import { multiFileRequirement } from '../../../shared/requires.js';
import { AppError } from '../../../shared/result.js';
import { PackFileV1Schema, PackFileV2Schema, type PackFileV2, type PackTask } from '../../../shared/study/formats.js';
import { packSettings, settingsFromPack, settingsRequires, type StudySettings } from '../../../shared/study/settings.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { ensureEvaluator, freezeStudy } from '../reviews/repository.js';
import { ensurePin, pinnedRows, shownCritique, shownTask, type QueueItemRow } from '../reviews/visibility.js';
import { importTasks } from '../tasks/import.js';
import { exportState } from './exports.js';
import { fileHash, newIssueId, newPackSecret, packId } from './hash.js';
import { firstIssue, parseJsonText, readStudyDocument } from './documents.js';
import { findStudyById, requireStudy } from './repository.js';
import { parseStoredSettings, storedSettingsJson } from './settings.js';

/** True when a pack task uses the multi-file feature: files, or a critique anchor with a path. */
export function packTaskNeedsMultiFile(task: PackTask): boolean {
  return task.files !== undefined || (task.critiques ?? []).some((c) => c.anchor?.path !== undefined);
}

/**
 * Builds one evaluator's offline pack (format 2): their queue in order, each item exactly as its
 * pin shows it (pinned here if it was not yet: the task as shown and its critiques under neutral
 * ids k1…kn, with content hashes), neutral labels, and a fresh secret for this issue of the pack.
 * Records the issue and its secret; freezes the study's tasks. Refused for a closed study.
 */
// SECURITY: the blinding boundary for offline work. The pack leaves the researcher's machine: no
// flaws, `valid`, `score`, `model`, task `meta`, original critique ids, condition names or other
// evaluators' data. The secret is for this evaluator only.
export function exportPack(db: WritableDb, studyName: string, evaluator: string, now = Date.now()): { fileName: string; content: string; pack: PackFileV2 } {
  return db.transaction(() => {
    const study = requireStudy(db, studyName);
    if (study.state === 'closed') throw new AppError('conflict', `Study "${study.name}" is closed: no more packs can be exported.`);
    if (study.review_here === 1) {
      throw new AppError(
        'conflict',
        `Study "${study.name}" is reviewed on this machine (it was created with "review on this machine"), so it issues no packs: its evaluators choose their profile in this Assay's Review place. A study is reviewed here or from packs, never both, so that two reviews of one item cannot collide.`,
      );
    }
    const member = db
      .prepare(
        `SELECT e.id, e.display_name FROM study_evaluators se JOIN evaluators e ON e.id = se.evaluator_id
          WHERE se.study_id = $study AND se.evaluator_id = $evaluator`,
      )
      .get({ study: study.id, evaluator }) as { id: string; display_name: string } | undefined;
    if (!member) throw new AppError('not-found', `Evaluator "${evaluator}" is not in study "${study.name}".`);
    freezeStudy(db, study.name, now);
    const items = db
      .prepare('SELECT id, evaluator_id, task_id, study, condition, label, policy, position FROM queue_items WHERE study = $study AND evaluator_id = $evaluator ORDER BY position')
      .all({ study: study.name, evaluator }) as (QueueItemRow & { position: number })[];
    const packItems = items.map((item) => {
      const pin = ensurePin(db, item, now);
      const { task, critiques } = pinnedRows(db, pin);
      const packTask: PackTask = {
        ...shownTask(task),
        ...(pin.showsCritiques ? { critiques: critiques.map(({ neutralId, row }) => ({ id: neutralId, ...shownCritique(row) })) } : {}),
      };
      return { position: item.position, label: item.label, show_critiques: pin.showsCritiques, task: packTask, seen: { task: pin.taskHash, critiques: pin.critiques.map((c) => c.hash) } };
    });
    const settings = parseStoredSettings(study.settings_json, `study "${study.name}"`);
    const body = {
      format: 'assay-pack' as const,
      version: 2 as const,
      // features an older Assay would get wrong (settings it would apply wrongly; a multi-file task it
      // would show as an empty output): it must refuse the pack instead
      requires: [...settingsRequires(settings), ...(packItems.some((i) => packTaskNeedsMultiFile(i.task)) ? [multiFileRequirement()] : [])],
      pack: { id: packId(study.id, evaluator), issue: newIssueId(), secret: newPackSecret(), created_at: new Date(now).toISOString() },
      study: { id: study.id, name: study.name, ...(study.researcher !== null ? { researcher: study.researcher } : {}) },
      settings: packSettings(settings),
      evaluator: { id: member.id, display_name: member.display_name },
      items: packItems,
    };
    const pack: PackFileV2 = { ...body, hash: fileHash(body) };
    db.prepare(
      `INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at, settings_json)
       VALUES ($id, 'exported', $studyId, $studyName, $evaluator, $timeLimit, $hash, $now, $now, $settings)
       ON CONFLICT (id, role) DO UPDATE SET content_hash = excluded.content_hash, created_at = excluded.created_at, recorded_at = excluded.recorded_at`,
    ).run({ id: pack.pack.id, studyId: study.id, studyName: study.name, evaluator, timeLimit: study.time_limit_seconds, hash: pack.hash, now, settings: study.settings_json });
    // Every issue keeps its secret: results of a copy handed out earlier still verify.
    db.prepare(
      `INSERT INTO pack_issues (pack_id, role, issue, format_version, secret, content_hash, created_at, recorded_at)
       VALUES ($id, 'exported', $issue, 2, $secret, $hash, $now, $now)`,
    ).run({ id: pack.pack.id, issue: pack.pack.issue, secret: pack.pack.secret, hash: pack.hash, now });
    return { fileName: `${study.name}-${evaluator}.assay-pack.json`, content: `${JSON.stringify(pack)}\n`, pack };
  }).immediate();
}

/** A pack as this Assay opens it, whatever its format version. */
export interface OpenedPack {
  readonly version: 1 | 2;
  readonly id: string;
  /** `v1` for a version-1 pack (one issue, no secret). */
  readonly issue: string;
  readonly secret: string | null;
  readonly createdAt: number;
  readonly study: { readonly id: string; readonly name: string };
  /** Whom results go to, as the pack names them (version 2, optional). */
  readonly researcher: string | null;
  readonly timeLimitSeconds: number | null;
  /** The study's settings as the pack carries them (a version-1 pack: its time limit, advisory). */
  readonly settings: StudySettings;
  readonly evaluator: { readonly id: string; readonly display_name: string };
  readonly items: readonly {
    readonly position: number;
    readonly label: string;
    readonly show_critiques: boolean;
    readonly task: PackTask;
    readonly seen: { readonly task: string; readonly critiques: readonly string[] } | null;
  }[];
  readonly hash: string;
}

/** A pack's `settings` as study settings; settings that contradict each other are refused naming the file. */
function packFileSettings(settings: PackFileV2['settings'], fileName: string): StudySettings {
  try {
    return settingsFromPack(settings);
  } catch (err) {
    const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    throw new AppError('invalid-input', `${fileName}: settings${issue ? `.${issue.path.map(String).join('.')}: ${issue.message}` : ': not valid'}`);
  }
}

/** Parses and verifies a pack file's text (version 1 or 2); throws invalid-input naming the file and the field. */
export function parsePack(text: string, fileName: string): OpenedPack {
  // A task package or review records (JSON Lines, not one JSON document): say where they belong.
  const misplaced = misplacedFileMessage(fileName, recognizeFile(text.slice(0, RECOGNIZE_HEAD_CHARS)), 'pack-open');
  if (misplaced) throw new AppError('invalid-input', misplaced);
  const { raw, version } = readStudyDocument(parseJsonText(text, fileName, 'a pack'), fileName, 'assay-pack');
  const stale = `${fileName}: the pack's content does not match its hash: the file was changed after export. Ask the researcher for a fresh copy.`;
  if (version === 1) {
    const r = PackFileV1Schema.safeParse(raw);
    if (!r.success) throw new AppError('invalid-input', `${fileName}: ${firstIssue(r.error, '(pack)')}`);
    if (fileHash(raw) !== r.data.hash) throw new AppError('invalid-input', stale);
    const p = r.data;
    return {
      version,
      id: p.pack.id,
      issue: 'v1',
      secret: null,
      createdAt: Date.parse(p.pack.created_at),
      study: { id: p.study.id, name: p.study.name },
      researcher: null,
      timeLimitSeconds: p.study.time_limit_seconds,
      settings: settingsFromPack({ time_limit_seconds: p.study.time_limit_seconds }),
      evaluator: p.evaluator,
      items: p.items.map((i) => ({ ...i, seen: null })),
      hash: p.hash,
    };
  }
  const r = PackFileV2Schema.safeParse(raw);
  if (!r.success) throw new AppError('invalid-input', `${fileName}: ${firstIssue(r.error, '(pack)')}`);
  // The hash covers the file as written, fields this Assay does not know included.
  if (fileHash(raw) !== r.data.hash) throw new AppError('invalid-input', stale);
  const p = r.data;
  p.items.forEach((item, i) => {
    const ids = (item.task.critiques ?? []).map((c) => c.id);
    const expected = ids.map((_, k) => `k${k + 1}`);
    if (ids.join('\u0000') !== expected.join('\u0000')) {
      throw new AppError('invalid-input', `${fileName}: items.${i}.task.critiques: critique ids must be k1, k2, … in order (found ${ids.join(', ')})`);
    }
    if (item.seen.critiques.length !== ids.length) {
      throw new AppError('invalid-input', `${fileName}: items.${i}.seen.critiques: ${item.seen.critiques.length} hashes for ${ids.length} critiques`);
    }
  });
  return {
    version,
    id: p.pack.id,
    issue: p.pack.issue,
    secret: p.pack.secret,
    createdAt: Date.parse(p.pack.created_at),
    study: { id: p.study.id, name: p.study.name },
    researcher: p.study.researcher ?? null,
    timeLimitSeconds: p.settings.time_limit_seconds ?? null,
    settings: packFileSettings(p.settings, fileName),
    evaluator: p.evaluator,
    items: p.items,
    hash: p.hash,
  };
}

/**
 * Opens a pack in this (the evaluator's) database: its tasks, the evaluator's profile and queue,
 * the issue's secret (to sign the results), and a pin per item — checked against the pack's own
 * hashes, so a pack this Assay would read differently is refused before any work is done. Opening
 * the same pack again changes nothing. Refuses the researcher's own database and clashes.
 */
export function importPack(
  db: WritableDb,
  text: string,
  fileName: string,
  now = Date.now(),
): { pack: string; study: string; evaluator: string; items: number; unchanged: boolean } {
  const pack = parsePack(text, fileName);
  return db.transaction(() => {
    if (findStudyById(db, pack.study.id)) {
      throw new AppError(
        'conflict',
        `${fileName}: this database is the researcher's database of study "${pack.study.name}". Open the pack in the evaluator's database (assay pack import FILE --db EVALUATOR.db).`,
      );
    }
    const clash = db
      .prepare(`SELECT study_id FROM packs WHERE study_name = $name AND study_id <> $id LIMIT 1`)
      .get({ name: pack.study.name, id: pack.study.id }) as { study_id: string } | undefined;
    if (clash || db.prepare('SELECT 1 FROM studies WHERE name = $name').get({ name: pack.study.name })) {
      throw new AppError('conflict', `${fileName}: another study named "${pack.study.name}" is already in this database. Open the pack in a fresh database with --db.`);
    }
    const previous = db.prepare(`SELECT 1 FROM pack_issues WHERE pack_id = $id AND role = 'imported' AND issue = $issue`).get({ id: pack.id, issue: pack.issue });
    try {
      importTasks(
        db,
        pack.items.map((i) => i.task),
        fileName,
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid-input' && /already exists|different task/i.test(err.message)) {
        throw new AppError(
          'conflict',
          `${err.message}\nThis database holds other versions of the pack's tasks (another study's pack, or the researcher's tasks). Open the pack in a fresh database with --db.`,
        );
      }
      throw err;
    }
    ensureEvaluator(db, pack.evaluator.id, pack.evaluator.display_name, now);
    const existing = db.prepare('SELECT id, label, policy, position FROM queue_items WHERE evaluator_id = $evaluator AND task_id = $task AND study = $study');
    const insert = db.prepare(
      `INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position, created_at)
       VALUES ($evaluator, $task, $study, $label, $label, $policy, $position, $now)`,
    );
    for (const [i, item] of pack.items.entries()) {
      // This database never learns condition names: the item's condition is its neutral label.
      const policy = item.show_critiques ? 'all' : 'none';
      const row = { evaluator: pack.evaluator.id, task: item.task.id, study: pack.study.name };
      let found = existing.get(row) as { id: number; label: string; policy: string; position: number } | undefined;
      if (!found) {
        insert.run({ ...row, label: item.label, policy, position: item.position, now });
        found = existing.get(row) as { id: number; label: string; policy: string; position: number };
      } else if (found.label !== item.label || found.policy !== policy || found.position !== item.position) {
        throw new AppError('conflict', `${fileName}: item ${item.position} (task "${item.task.id}") is already in this queue with other settings.`);
      }
      if (pack.version === 1) continue; // a version-1 pack carries no hashes to check against
      const pin = ensurePin(db, { id: found.id, evaluator_id: row.evaluator, task_id: row.task, study: row.study, condition: item.label, label: item.label, policy }, now);
      const hashes = pin.critiques.map((c) => c.hash);
      if (parsePolicy(policy).kind !== 'none' && pin.critiques.some((c, k) => c.id !== `k${k + 1}`)) {
        throw new AppError('conflict', `${fileName}: items.${i}: this database already shows task "${item.task.id}" with other critiques. Open the pack in a fresh database with --db.`);
      }
      if (pin.taskHash !== item.seen!.task || hashes.join(',') !== item.seen!.critiques.join(',')) {
        throw new AppError(
          'invalid-input',
          `${fileName}: items.${i}.seen: this Assay reads task "${item.task.id}" differently from the Assay that wrote the pack (its content hashes differ), so results from it could not be checked. Use the same Assay version as the researcher.`,
        );
      }
    }
    db.prepare(
      `INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at, settings_json, researcher)
       VALUES ($id, 'imported', $studyId, $studyName, $evaluator, $timeLimit, $hash, $createdAt, $now, $settings, $researcher)
       ON CONFLICT (id, role) DO NOTHING`,
    ).run({
      settings: storedSettingsJson(pack.settings),
      researcher: pack.researcher,
      id: pack.id,
      studyId: pack.study.id,
      studyName: pack.study.name,
      evaluator: pack.evaluator.id,
      timeLimit: pack.timeLimitSeconds,
      hash: pack.hash,
      createdAt: pack.createdAt,
      now,
    });
    db.prepare(
      `INSERT INTO pack_issues (pack_id, role, issue, format_version, secret, content_hash, created_at, recorded_at)
       VALUES ($id, 'imported', $issue, $version, $secret, $hash, $createdAt, $now)
       ON CONFLICT (pack_id, role, issue) DO NOTHING`,
    ).run({ id: pack.id, issue: pack.issue, version: pack.version, secret: pack.secret, hash: pack.hash, createdAt: pack.createdAt, now });
    return { pack: pack.id, study: pack.study.name, evaluator: pack.evaluator.id, items: pack.items.length, unchanged: previous !== undefined };
  }).immediate();
}

/** The packs opened in this database, with how many of their items are finished and what was exported. */
export function listImportedPacks(db: AnyDb): ImportedPack[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.study_name, p.evaluator_id, p.recorded_at, p.time_limit_seconds, p.settings_json, p.researcher,
              (SELECT count(*) FROM queue_items q WHERE q.study = p.study_name AND q.evaluator_id = p.evaluator_id) AS items,
              (SELECT count(*) FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id
                WHERE q.study = p.study_name AND q.evaluator_id = p.evaluator_id AND r.status IN ('submitted', 'skipped')) AS finished
         FROM packs p WHERE p.role = 'imported' ORDER BY p.recorded_at, p.id`,
    )
    .all() as {
    id: string;
    study_name: string;
    evaluator_id: string;
    recorded_at: number;
    time_limit_seconds: number | null;
    settings_json: string;
    researcher: string | null;
    items: number;
    finished: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    study: r.study_name,
    evaluator: r.evaluator_id,
    items: r.items,
    finished: r.finished,
    timeLimitSeconds: r.time_limit_seconds,
    settings: parseStoredSettings(r.settings_json, `pack "${r.id}"`),
    importedAt: r.recorded_at,
    researcher: r.researcher,
    ...exportState(db, { id: r.id, study: r.study_name, evaluator: r.evaluator_id }),
  }));
}
