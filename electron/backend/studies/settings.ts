import { AppError } from '../../../shared/result.js';
import { defaultStudySettings, StudySettingsSchema, type StudySettings } from '../../../shared/study/settings.js';
import type { Statement } from 'better-sqlite3';
import type { AnyDb } from '../db/types.js';

// Where a queue item's settings come from: in the researcher's database, its study's row; in an
// evaluator's database, the pack that brought the item (the study is known only from it). Practice
// items follow the defaults. Stored as JSON (`settings_json`, migration 7) and parsed here only.

/** Parsed settings by their stored JSON: settings never change, and parsing every action's settings would cost a zod parse each. */
const parsed = new Map<string, StudySettings>();

/** Stored settings JSON as settings; a row that does not parse is a broken database (internal error). */
export function parseStoredSettings(json: string, where: string): StudySettings {
  const hit = parsed.get(json);
  if (hit) return hit;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError('internal', `${where}: the stored study settings are not JSON`);
  }
  const r = StudySettingsSchema.safeParse(value);
  if (!r.success) throw new AppError('internal', `${where}: the stored study settings are not valid (${r.error.issues[0]?.message ?? 'unknown'})`);
  if (parsed.size >= 64) parsed.clear();
  parsed.set(json, r.data);
  return r.data;
}

/** Settings as stored: the full camelCase form, so that reading them back needs no defaults from elsewhere. */
export function storedSettingsJson(settings: StudySettings): string {
  return JSON.stringify(settings);
}

const statements = new WeakMap<AnyDb, { study: Statement; pack: Statement }>();

/**
 * The settings of the study called `study` as this database knows it (its row, else the pack
 * opened for it); the defaults for practice ('') and for a name it does not know.
 */
export function studySettingsOf(db: AnyDb, study: string): StudySettings {
  if (study === '') return defaultStudySettings;
  let s = statements.get(db);
  if (!s) {
    s = {
      study: db.prepare('SELECT settings_json FROM studies WHERE name = $study'),
      pack: db.prepare(`SELECT settings_json FROM packs WHERE study_name = $study AND role = 'imported' ORDER BY recorded_at, id LIMIT 1`),
    };
    statements.set(db, s);
  }
  const row = (s.study.get({ study }) ?? s.pack.get({ study })) as { settings_json: string } | undefined;
  return row ? parseStoredSettings(row.settings_json, `study "${study}"`) : defaultStudySettings;
}
