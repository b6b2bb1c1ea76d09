import type { KeyChoice } from '../../../shared/contract/critic.js';
import { AppError } from '../../../shared/result.js';

// Where a critic's API key comes from. The key lives in memory for the length of a request and
// goes nowhere else: not in the database (a critic row records only where its key comes from),
// not in a log, an export, a pack or an error message (see redact.ts).

/**
 * A place for API keys outside the database: the OS keychain in the desktop app (Electron
 * safeStorage, electron/shell/key-store.ts). Keys are kept per endpoint origin.
 */
export interface KeyStore {
  /** Null when keys can be stored here; otherwise why not. */
  unavailable(): string | null;
  get(origin: string): string | null;
  set(origin: string, key: string): void;
  delete(origin: string): boolean;
}

/** What resolves a key: this process's environment, and the keychain when there is one. */
export interface ApiKeys {
  readonly env: NodeJS.ProcessEnv;
  readonly store?: KeyStore | undefined;
}

/** The prefix an environment variable named in the UI must have. */
export const UI_ENV_PREFIX = 'ASSAY_CRITIC_';

/** The rule for environment variables the UI may name, in words. */
export const uiEnvRule = `The UI may use environment variables whose names start with ${UI_ENV_PREFIX} (e.g. ${UI_ENV_PREFIX}API_KEY), set where Assay was started.`;

/** The origin (scheme, host, port) a keychain entry belongs to. */
export function keyOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    throw new AppError('invalid-input', `baseUrl: not a URL: ${JSON.stringify(baseUrl.slice(0, 200))}`);
  }
}

/**
 * The key for a run the UI started. An environment variable must be named ASSAY_CRITIC_…: browser
 * mode has no login, and a page that could name any variable could send this process's other
 * secrets (a cloud token, a database password) to an endpoint of its choosing.
 */
// SECURITY: which secrets of this process the UI can send to an endpoint.
export function resolveUiKey(keys: ApiKeys, choice: KeyChoice, baseUrl: string): string | null {
  switch (choice.kind) {
    case 'none':
      return null;
    case 'env': {
      if (!choice.name.startsWith(UI_ENV_PREFIX)) throw new AppError('invalid-input', `key: ${choice.name} cannot be used from the UI. ${uiEnvRule}`);
      const value = keys.env[choice.name];
      if (!value) throw new AppError('invalid-input', `key: the environment variable ${choice.name} is not set where Assay was started.`);
      return value;
    }
    case 'keychain': {
      const why = keys.store ? keys.store.unavailable() : 'the keychain is only available in the desktop app';
      if (why) throw new AppError('invalid-input', `key: ${why}; use an environment variable (${UI_ENV_PREFIX}…) instead.`);
      const key = keys.store!.get(keyOrigin(baseUrl));
      if (!key) throw new AppError('invalid-input', `key: the keychain holds no key for ${keyOrigin(baseUrl)}: save one first.`);
      return key;
    }
  }
}
