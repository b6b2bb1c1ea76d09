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

/** Menu dependencies over a real evaluator database; dialogs answer with the given paths (the save dialog writes, as the desktop's does). */
function deps(open: string | undefined, save: string | undefined) {
  const { db, path: dbPath } = tempDb();
  const log: string[] = [];
  const handlers = createHandlers({
    db,
    dbPath,
    host: 'desktop',
    saveFile: (_title, name, content) => {
      log.push(`save-as ${name}`);
      if (save) fs.writeFileSync(save, content);
      return Promise.resolve(save);
    },
  });
  const d: MenuDeps = {
    chooseFileToOpen: () => Promise.resolve(open),
    invoke: (name, input) => dispatch(handlers, name, input),
    show: (route) => log.push(`show ${route}`),
    inform: (title, message) => log.push(`info ${title}: ${message}`),
    fail: (title, message) => log.push(`fail ${title}: ${message}`),
  };
  return { d, log, handlers, db };
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
    expect(log).toEqual(['info Pack opened: 3 items to review: press Review beside the pack.', 'show studies']);
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

  it('File → Export Results… writes the results file where the user chose, says whom to send it to, and records it', async () => {
    const target = path.join(tempDir(), 'out.json');
    const { d, log, handlers } = deps(packFile(), target);
    await openPack(d);
    expect(await exportResults(d)).toBe(true);
    expect(log.at(-1)).toBe(`info Results exported: 0 finished reviews of menu-study written to ${target}. Send this file to the researcher who sent you the pack.`);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ format: 'assay-results' });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['out.json']);
    const packs = await dispatch(handlers, 'packs:list', {});
    expect(packs).toMatchObject({ ok: true, value: [{ lastExport: { savedTo: target, reviews: 0 } }] });
  });

  it('a closed save dialog exports nothing and records nothing', async () => {
    const { d, log, handlers } = deps(packFile(), undefined);
    await openPack(d);
    expect(await exportResults(d)).toBe(false);
    expect(log.at(-1)).toMatch(/^save-as menu-study-eve-results-[\d-]+\.json$/);
    expect(await dispatch(handlers, 'packs:list', {})).toMatchObject({ ok: true, value: [{ lastExport: null }] });
  });

  it('File → Open Pack… recognises what it is given: results are merged, a task package is pointed to its place', async () => {
    const dir = tempDir();
    const tasks = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasks, `${JSON.stringify({ id: 't1', kind: 'summary', output: 'x' })}\n`);
    const asTasks = deps(tasks, undefined);
    await openPack(asTasks.d);
    expect(asTasks.log).toEqual(['fail This is a task package: tasks.jsonl is a task package (tasks for a researcher to study), not a pack: use Tasks → "Import task package…" (assay import FILE).']);

    // results given to Open Pack… in the researcher's database: merged (and said so)
    const { db } = tempDb();
    loadStudyTasks(db, 3);
    createStudy(db, { name: 'menu-study', conditions: [{ name: 'help', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1 });
    const pack = exportPack(db, 'menu-study', 'eve').content;
    const ev = deps(undefined, undefined);
    expect(await dispatch(ev.handlers, 'packs:import', { fileName: 'eve.json', content: pack })).toMatchObject({ ok: true });
    const results = path.join(dir, 'eve-results.json');
    fs.writeFileSync(results, ((await dispatch(ev.handlers, 'results:export', {})) as { value: { content: string } }).value.content);
    const researcherHandlers = createHandlers({ db, dbPath: ':researcher:', host: 'desktop' });
    const log: string[] = [];
    await openPack({ chooseFileToOpen: async () => results, invoke: (n, i) => dispatch(researcherHandlers, n, i), show: (r) => log.push(`show ${r}`), inform: (t, m) => log.push(`info ${t}: ${m}`), fail: (t, m) => log.push(`fail ${t}: ${m}`) });
    expect(log).toEqual(['info Results merged: eve-results.json is a results file: 0 review(s) added, 0 already here, 0 newer revision(s), 0 conflict(s).', 'show studies']);
  });

  it('the template has the File items with their keys, and dev tools only in development', () => {
    const { d } = deps(undefined, undefined);
    const json = (devTools: boolean) => JSON.stringify(menuTemplate(d, { mac: false, devTools }));
    expect(json(false)).toContain('"accelerator":"CmdOrCtrl+O"');
    expect(json(false)).not.toContain('toggleDevTools');
    expect(json(true)).toContain('toggleDevTools');
  });
});
