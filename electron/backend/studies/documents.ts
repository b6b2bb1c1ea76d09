import { parseUntrustedJson } from '../../../shared/json-shape.js';
import type { z } from 'zod';
import { misplacedFileMessage, recognizeValue } from '../../../shared/file-kind.js';
import { AppError } from '../../../shared/result.js';
import { FORMAT_VERSIONS, unknownRequirement } from '../../../shared/study/formats.js';
import { findLoneSurrogate, loneSurrogateMessage } from '../../../shared/unicode.js';
import { appVersion } from '../paths.js';

/** A dotted path for messages about packs and results (`reviews.0.events.3.server_time`). */
export function dottedPath(path: readonly PropertyKey[], root = '(file)'): string {
  return path.length === 0 ? root : path.map(String).join('.');
}

/** The first issue of a zod error as `path: message`. */
export function firstIssue(error: z.ZodError, root = '(file)'): string {
  const issue = error.issues[0]!;
  return `${dottedPath(issue.path, root)}: ${issue.message}`;
}

/** Throws invalid-input naming the place when a parsed JSON value holds a lone surrogate. */
export function refuseLoneSurrogates(value: unknown, where: string, root = '(file)'): void {
  const lone = findLoneSurrogate(value);
  if (lone) throw new AppError('invalid-input', `${where}: ${dottedPath(lone.path, root)}: ${loneSurrogateMessage(lone)}`);
}

const names = { 'assay-pack': 'an Assay pack', 'assay-results': 'an Assay results file' } as const;

/**
 * The checks every pack and results file passes first, in this order: JSON, an object, no lone
 * surrogates, the format, a version this Assay reads, and (version 2) no required feature it does
 * not know. Returns the parsed value and its version. Errors name the file.
 */
export function readStudyDocument(
  raw: unknown,
  fileName: string,
  format: keyof typeof names,
): { raw: Record<string, unknown>; version: 1 | 2 } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new AppError('invalid-input', `${fileName}: not ${names[format]} (not a JSON object)`);
  const obj = raw as Record<string, unknown>;
  if (obj['format'] !== format) {
    const misplaced = misplacedFileMessage(fileName, recognizeValue(obj), format === 'assay-pack' ? 'pack-open' : 'results-import');
    if (misplaced) throw new AppError('invalid-input', misplaced);
    throw new AppError('invalid-input', `${fileName}: not ${names[format]} (format is ${JSON.stringify(obj['format'] ?? null)}, expected "${format}")`);
  }
  refuseLoneSurrogates(obj, fileName);
  const version = obj['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > FORMAT_VERSIONS.write) {
    throw new AppError(
      'invalid-input',
      `${fileName}: version ${version} of the "${format}" format needs a newer Assay (this is Assay ${appVersion()}, which reads versions ${FORMAT_VERSIONS.read.join(' and ')})`,
    );
  }
  if (version !== 1 && version !== 2) throw new AppError('invalid-input', `${fileName}: version: expected 1 or 2, found ${JSON.stringify(version ?? null)}`);
  if (version === 2) {
    const missing = unknownRequirement(obj);
    if (missing) {
      throw new AppError('invalid-input', `${fileName}: needs Assay ≥ ${missing.assay} (feature "${missing.feature}"); this is Assay ${appVersion()}. Update Assay to open it.`);
    }
  }
  return { raw: obj, version };
}

/** Parses untrusted JSON (nesting bounded before parsing) with the file named in the error. */
export function parseJsonText(text: string, fileName: string, what: string): unknown {
  try {
    return parseUntrustedJson(text);
  } catch (err) {
    throw new AppError('invalid-input', `${fileName}: not ${what} (not JSON: ${(err as Error).message})`);
  }
}
