import crypto from 'node:crypto';
import { canonicalJson } from '../../../shared/study/canonical.js';

/** `sha256:` + hex digest of the canonical JSON of `value` without its `hash` key. */
export function fileHash(value: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = value;
  return `sha256:${crypto.createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** The pack id of one evaluator in one study: stable, so re-exporting a pack keeps its id. */
export function packId(studyId: string, evaluator: string): string {
  return `pack-${crypto.createHash('sha256').update(`${studyId}\n${evaluator}`).digest('hex').slice(0, 24)}`;
}
