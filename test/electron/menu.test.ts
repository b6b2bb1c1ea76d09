import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { exportPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { exportResults, menuTemplate, openPack, type MenuDeps } from '../../electron/shell/menu.js';
import { loadStudyTasks } from '../backend/studies/fixtures.js';
import { tempDb } from '../helpers/db.js';
import { tempDir } from '../helpers/temp.js';

/** Menu dependencies over a real evaluator database; dialogs answer with the given paths. */
function deps(open: string | undefined, save: string | undefined) {
  const { db, path: dbPath } = tempDb();
  const handlers = createHandlers({ db, dbPath, host: 'desktop' });
  const log: string[] = [];
  const d: MenuDeps = {
    chooseFileToOpen: () => Promise.resolve(open),
    chooseFileToSave: (_t, name) => {
      log.push(`save-as ${name}`);
      return Promise.resolve(save);
    },
    invoke: (name, input) => dispatch(handlers, name, input),
    show: (route) => log.push(`show ${route}`),
    inform: (title) => log.push(`info ${title}`),
    fail: (title, message) => log.push(`fail ${title}: ${message}`),
  };
  return { d, log, handlers };
}

function packFile(): string {
  const { db } = tempDb();
  loadStudyTasks(db, 3);
  createStudy(db, { name: 'menu-study', conditions: [{ name: 'help', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1 });
  const file = path.join(tempDir(), 'eve.assay-pack.json');
  fs.writeFileSync(file, exportPack(db, 'menu-study', 'eve').content);
  return file;
}

describe('desktop File menu (with fake dialogs, real back end)', () => {
  it('File → Open Pack… imports the chosen pack and shows the studies place', async () => {
    const { d, log, handlers } = deps(packFile(), undefined);
    await openPack(d);
    expect(log).toEqual(['info Pack opened', 'show studies']);
    const packs = await dispatch(handlers, 'packs:list', {});
    expect(packs).toMatchObject({ ok: true, value: [{ study: 'menu-study', evaluator: 'eve', items: 3 }] });
  });

  it('a broken pack is refused with its reason and nothing is shown', async () => {
    const bad = path.join(tempDir(), 'bad.json');
    fs.writeFileSync(bad, '{"format":"assay-pack"}');
    const { d, log } = deps(bad, undefined);
    await openPack(d);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^fail Cannot open the pack: bad\.json/);
  });

  it('cancelling the dialog does nothing', async () => {
    const { d, log } = deps(undefined, undefined);
    await openPack(d);
    expect(log).toEqual([]);
  });

  it('exporting results without an opened pack says why', async () => {
    const { d, log } = deps(undefined, path.join(tempDir(), 'x.json'));
    await exportResults(d);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^fail Cannot export results: /);
  });

  it('File → Export Results… writes the results file where the user chose', async () => {
    const target = path.join(tempDir(), 'out.json');
    const { d, log } = deps(packFile(), target);
    await openPack(d);
    await exportResults(d);
    expect(log.at(-1)).toMatch(/^info Results exported/);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ format: 'assay-results' });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['out.json']); // no temporary file left behind
  });

  it('the template has the File items with their keys, and dev tools only in development', () => {
    const { d } = deps(undefined, undefined);
    const json = (devTools: boolean) => JSON.stringify(menuTemplate(d, { mac: false, devTools }));
    expect(json(false)).toContain('"accelerator":"CmdOrCtrl+O"');
    expect(json(false)).not.toContain('toggleDevTools');
    expect(json(true)).toContain('toggleDevTools');
  });
});
