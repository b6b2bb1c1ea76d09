// Lint, including the layering rule (README, "Code layout"):
//   shared/            pure TypeScript: no Node, DOM, React or Electron
//   renderer/          imports only shared/ (and browser libraries)
//   electron/backend/  Node only: never electron, never the renderer
//   electron/main.ts, electron/preload.ts, electron/shell/  the only files that import electron
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronModules = ['electron', 'electron/*'];

/** no-restricted-imports with the given module names and path patterns, each with a reason. */
function restrict(names, patterns, message) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: names.map((name) => ({ name, message })),
        patterns: patterns.map((group) => ({ group: [group], message })),
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench/results.json', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Model text is untrusted: never render HTML.' },
        {
          // A deferred transaction that reads, then writes, fails at once with SQLITE_BUSY when another
          // connection (the CLI, a second window) writes meanwhile; IMMEDIATE waits for the lock instead.
          selector: "CallExpression[callee.type='CallExpression'][callee.callee.property.name='transaction']",
          message: 'Run write transactions with db.transaction(fn).immediate(), not db.transaction(fn)().',
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      [...nodeBuiltins, ...electronModules, 'react', 'react-dom', 'better-sqlite3', 'monaco-editor'],
      ['**/electron/**', '**/renderer/**', 'node:*', 'react-dom/*', 'electron/*'],
      'shared/ is pure TypeScript: no Node, DOM, React or Electron (layering rule).',
    ),
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: restrict(
      [...nodeBuiltins, ...electronModules, 'better-sqlite3'],
      ['**/electron/**', 'node:*', 'electron/*'],
      'The renderer imports only shared/ and browser libraries (layering rule).',
    ),
  },
  {
    files: ['electron/backend/**/*.ts'],
    rules: restrict(
      [...electronModules, 'react', 'react-dom', 'monaco-editor'],
      ['**/renderer/**', 'electron/*', '**/shell/**', '**/electron/main*', '**/electron/preload*'],
      'The back end is plain Node: no electron, no renderer, no shell (layering rule).',
    ),
  },
);
