import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/server.js';

const eslint = new ESLint({ cwd: repoRoot });

async function messages(code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'electron/backend/x.ts') });
  return r!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('write transactions lint rule', () => {
  it('rejects deferred transactions and accepts immediate ones', async () => {
    const db = 'declare const db: { transaction(f: () => void): { (): void; immediate(): void } };\n';
    expect(await messages(`${db}db.transaction(() => undefined)();\n`)).toEqual([expect.stringMatching(/immediate\(\)/)]);
    expect(await messages(`${db}db.transaction(() => undefined).immediate();\n`)).toEqual([]);
  });
});
