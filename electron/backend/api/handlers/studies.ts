import { exportPack, importPack, listImportedPacks } from '../../studies/packs.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../studies/repository.js';
import { saveResults } from '../../studies/exports.js';
import { exportResults, importResults } from '../../studies/results.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type StudyOpName = 'studies:list' | 'studies:get' | 'studies:create' | 'studies:close' | 'packs:export' | 'packs:import' | 'packs:list' | 'results:export' | 'results:save' | 'results:import';

/** Handlers of `studies:*`, `packs:*` and `results:*`. */
export function studyHandlers({ db, saveFile }: HandlerContext): Pick<Handlers, StudyOpName> {
  return {
    'studies:list': () => listStudies(db),
    'studies:get': ({ name }) => getStudy(db, name),
    'studies:create': (spec) => createStudy(db, spec),
    'studies:close': ({ name }) => closeStudy(db, name),
    'packs:export': ({ study, evaluator }) => {
      const r = exportPack(db, study, evaluator);
      return { fileName: r.fileName, content: r.content };
    },
    // SECURITY: the pack text is untrusted input; importPack parses it with the pack schema and checks its hash.
    'packs:import': ({ fileName, content }) => importPack(db, content, fileName),
    'packs:list': () => listImportedPacks(db),
    'results:export': ({ pack }) => {
      const r = exportResults(db, { pack });
      return { fileName: r.fileName, content: r.content, reviews: r.reviews };
    },
    'results:save': ({ pack }) => saveResults(db, { pack }, saveFile),
    // SECURITY: results files are untrusted input: schema, hash, assignment and event rules are all checked.
    'results:import': ({ files, study }) => importResults(db, files, { study }),
  };
}
