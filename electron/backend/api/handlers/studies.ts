import { exportPack, importPack, listImportedPacks } from '../../studies/packs.js';
import { checkDesign, planFromDb } from '../../studies/check.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../studies/repository.js';
import { saveResults } from '../../studies/exports.js';
import { exportResults, importResults } from '../../studies/results.js';
import type { AnyDb } from '../../db/types.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type StudyOpName =
  | 'studies:list'
  | 'studies:get'
  | 'studies:create'
  | 'studies:close'
  | 'studies:check'
  | 'studies:plan'
  | 'packs:export'
  | 'packs:import'
  | 'packs:list'
  | 'results:export'
  | 'results:save'
  | 'results:import';
type StudyReadOpName = 'studies:list' | 'studies:get' | 'studies:check' | 'studies:plan' | 'packs:list' | 'results:export';

/** The `studies:*`, `packs:*` and `results:*` handlers that only read (they also run on a read-only connection). */
export function studyReadHandlers(db: AnyDb): Pick<Handlers, StudyReadOpName> {
  return {
    'studies:list': () => listStudies(db),
    'studies:get': ({ name }) => getStudy(db, name),
    'studies:check': ({ conditions, evaluators, overlap, tasks }) => checkDesign(db, { conditions, evaluators, overlap }, tasks),
    'studies:plan': (input) => {
      const p = planFromDb(db, input);
      return { ...p, conditions: [...p.conditions], designs: [...p.designs] };
    },
    'packs:list': () => listImportedPacks(db),
    'results:export': ({ pack }) => {
      const r = exportResults(db, { pack });
      return { fileName: r.fileName, content: r.content, reviews: r.reviews };
    },
  };
}

/** Handlers of `studies:*`, `packs:*` and `results:*`. */
export function studyHandlers({ db, saveFile }: HandlerContext): Pick<Handlers, StudyOpName> {
  return {
    ...studyReadHandlers(db),
    'studies:create': ({ force, ...spec }) => createStudy(db, spec, Date.now(), { force: force === true }),
    'studies:close': ({ name }) => closeStudy(db, name),
    'packs:export': ({ study, evaluator }) => {
      const r = exportPack(db, study, evaluator);
      return { fileName: r.fileName, content: r.content };
    },
    // SECURITY: the pack text is untrusted input; importPack parses it with the pack schema and checks its hash.
    'packs:import': ({ fileName, content }) => importPack(db, content, fileName),
    // Writes (records the export) and, in the desktop app, asks where to save: stays on this thread.
    'results:save': ({ pack }) => saveResults(db, { pack }, saveFile),
    // SECURITY: results files are untrusted input: schema, hash, assignment and event rules are all checked.
    'results:import': ({ files, study }) => importResults(db, files, { study }),
  };
}
