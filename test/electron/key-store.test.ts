import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyStore, type SafeStorageLike } from '../../electron/shell/key-store.js';
import { tempDir } from '../helpers/temp.js';

function fakeSafeStorage(available: boolean, backend: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>> = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (t: string) => Buffer.from([...Buffer.from(t)].map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  };
}

describe('critic key store (Electron safeStorage)', () => {
  it('keeps keys per endpoint origin, encrypted in its file; a file from another machine reads as no key', () => {
    const file = path.join(tempDir(), 'critic-keys.json');
    const store = createKeyStore(fakeSafeStorage(true), file, 'linux');
    expect(store.unavailable()).toBeNull();
    store.set('https://a.example', 'sk-aaaaaaaaaaaa');
    store.set('http://127.0.0.1:8080', 'sk-bbbbbbbbbbbb');
    expect(store.get('https://a.example')).toBe('sk-aaaaaaaaaaaa');
    expect(store.get('http://127.0.0.1:8080')).toBe('sk-bbbbbbbbbbbb');
    expect(store.get('https://b.example')).toBeNull();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('sk-aaaa');
    expect(fs.statSync(file).mode & 0o077).toBe(0); // only the owner may read it
    // a blob this keychain cannot decrypt (another login): as if there were none
    const other = createKeyStore({ ...fakeSafeStorage(true), decryptString: () => { throw new Error('bad key'); } }, file, 'linux');
    expect(other.get('https://a.example')).toBeNull();
    expect(store.delete('https://a.example')).toBe(true);
    expect(store.delete('https://a.example')).toBe(false);
    expect(store.get('https://a.example')).toBeNull();
  });

  it('refuses to store a key without encryption, and on Linux without a keychain (basic_text)', () => {
    const file = path.join(tempDir(), 'critic-keys.json');
    const none = createKeyStore(fakeSafeStorage(false), file, 'darwin');
    expect(none.unavailable()).toMatch(/no encryption/);
    expect(() => none.set('https://a.example', 'sk-x')).toThrow(/Cannot store the key/);
    const basic = createKeyStore(fakeSafeStorage(true, 'basic_text'), file, 'linux');
    expect(basic.unavailable()).toMatch(/hard-coded password/);
    expect(() => basic.set('https://a.example', 'sk-x')).toThrow(/hard-coded password/);
    expect(fs.existsSync(file)).toBe(false);
    // basic_text is only a Linux backend: elsewhere the OS store is real
    expect(createKeyStore(fakeSafeStorage(true, 'basic_text'), file, 'win32').unavailable()).toBeNull();
  });
});
