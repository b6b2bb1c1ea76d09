import crypto from 'node:crypto';
import { canonicalJson } from '../../../shared/study/canonical.js';

/** `sha256:` + the hex SHA-256 of the canonical JSON of `value`: the content hash of packs, pins and results. */
export function sha256Json(value: unknown): string {
  return `sha256:${crypto.createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** `sha256:` + hex digest of the canonical JSON of `value` without its `hash` and `mac` keys. */
export function fileHash(value: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, mac: _mac, ...rest } = value;
  return sha256Json(rest);
}

/** The pack id of one evaluator in one study: stable, so re-exporting a pack keeps its id. Public: never a secret. */
export function packId(studyId: string, evaluator: string): string {
  return `pack-${crypto.createHash('sha256').update(`${studyId}\n${evaluator}`).digest('hex').slice(0, 24)}`;
}

/** A fresh pack secret: 32 random bytes as hex, from the operating system's CSPRNG. */
export function newPackSecret(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** A fresh id for one issue (export) of a pack. */
export function newIssueId(): string {
  return crypto.randomBytes(8).toString('hex');
}

/**
 * The proof that a results file came from a pack: `hmac-sha256:` + the hex HMAC-SHA256, keyed with
 * the pack's secret, of the canonical JSON of the file without its `hash` and `mac` keys.
 */
export function resultsMac(secretHex: string, value: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, mac: _mac, ...rest } = value;
  return `hmac-sha256:${crypto.createHmac('sha256', Buffer.from(secretHex, 'hex')).update(canonicalJson(rest)).digest('hex')}`;
}

/** Compares two proofs in constant time. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
