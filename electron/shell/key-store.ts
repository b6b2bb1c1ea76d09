import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import type { KeyStore } from '../backend/critic/keys.js';

/** What the key store needs of Electron's safeStorage (the real one, or a fake in tests). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: SafeStorage['getSelectedStorageBackend'];
};

/**
 * API keys for critics, encrypted with the OS keychain through Electron's safeStorage (macOS
 * Keychain, Windows DPAPI, the Linux secret service) and kept, encrypted, in a file beside the
 * database — never in the database. Storing is refused when encryption is unavailable, and on
 * Linux when safeStorage would fall back to its hard-coded password ("basic_text"): that is
 * obfuscation, not encryption.
 */
// SECURITY: the only place a critic key is written down, and only encrypted.
export function createKeyStore(safeStorage: SafeStorageLike, file: string, platform: NodeJS.Platform = process.platform): KeyStore {
  const read = (): Record<string, string> => {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  const write = (entries: Record<string, string>): void => {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(entries), { mode: 0o600 });
    fs.renameSync(tmp, file);
  };
  const unavailable = (): string | null => {
    if (!safeStorage.isEncryptionAvailable()) return 'the operating system offers no encryption for stored keys here (safeStorage is unavailable)';
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
      return 'no OS keychain (secret service) was found, and Electron would store the key under a hard-coded password';
    }
    return null;
  };
  return {
    unavailable,
    get(origin) {
      if (unavailable()) return null;
      const blob = read()[origin];
      if (typeof blob !== 'string') return null;
      try {
        return safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        return null; // encrypted under another login or machine: as if there were none
      }
    },
    set(origin, key) {
      const why = unavailable();
      if (why) throw new Error(`Cannot store the key: ${why}.`);
      write({ ...read(), [origin]: safeStorage.encryptString(key).toString('base64') });
    },
    delete(origin) {
      const entries = read();
      if (!(origin in entries)) return false;
      delete entries[origin];
      write(entries);
      return true;
    },
  };
}
