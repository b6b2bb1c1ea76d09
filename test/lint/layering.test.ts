import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/server.js';

const eslint = new ESLint({ cwd: repoRoot });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('rejects Node, Electron, React and back-end imports in shared/', async () => {
    expect(await layeringErrors('shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('shared/x.ts', "import path from 'path';\nexport const a = path;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('shared/x.ts', "import { useState } from 'react';\nexport const a = useState;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('shared/x.ts', "import { openDatabase } from '../electron/backend/db/open.js';\nexport const a = openDatabase;\n")).toContainEqual(expect.stringMatching(/layering rule/));
  });

  it('rejects back-end, Node and Electron imports in the renderer', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import { openDatabase } from '../../electron/backend/db/open.js';\nexport const a = openDatabase;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('renderer/src/x.ts', "import { contract } from '../../shared/contract/index.js';\nexport const a = contract;\n")).toEqual([]);
  });

  it('rejects electron, shell and renderer imports in the back end', async () => {
    expect(await layeringErrors('electron/backend/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('electron/backend/x.ts', "import { App } from '../../renderer/src/app.js';\nexport const a = App;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('electron/backend/x.ts', "import { isAppUrl } from '../shell/security.js';\nexport const a = isAppUrl;\n")).toContainEqual(expect.stringMatching(/layering rule/));
    expect(await layeringErrors('electron/backend/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toEqual([]);
  });

  it('allows electron in the shell files', async () => {
    expect(await layeringErrors('electron/shell/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });

  it('forbids dangerouslySetInnerHTML: model text is never HTML', async () => {
    const [r] = await eslint.lintText('export const x = <div dangerouslySetInnerHTML={{ __html: "" }} />;\n', {
      filePath: path.join(repoRoot, 'renderer/src/x.tsx'),
    });
    expect(r!.messages.map((m) => m.ruleId)).toContain('no-restricted-syntax');
  });
});
