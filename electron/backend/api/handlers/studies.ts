import { listProfiles, removeProfile } from '../../reviews/profiles.js';
import { archiveStudy, deleteStudy } from '../../studies/housekeeping.js';
import { exportPack, importPack, listImportedPacks } from '../../studies/packs.js';
import { checkDesign, planFromDb } from '../../studies/check.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../studies/repository.js';
import { endReviewsPastTheirTime } from '../../reviews/repository.js';
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
  | 'studies:archive'
  | 'studies:delete'
  | 'profiles:list'
  | 'profiles:remove'
  | 'studies:check'
  | 'studies:plan'
  | 'packs:export'
  | 'packs:import'
  | 'packs:list'
  | 'results:export'
  | 'results:save'
  | 'results:import';
type StudyReadOpName = 'studies:list' | 'studies:get' | 'studies:check' | 'studies:plan' | 'profiles:list' | 'packs:list' | 'results:export';

/** The `studies:*`, `packs:*` and `results:*` handlers that only read (they also run on a read-only connection). */
export function studyReadHandlers(db: AnyDb): Pick<Handlers, StudyReadOpName> {
  return {
    'studies:list': ({ archived }) => listStudies(db, { archived }),
    'profiles:list': () => listProfiles(db),
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
    'results:export': (input) => {
      endReviewsPastTheirTime(db); // items whose time ran out go out ended by the clock
      return studyReadHandlers(db)['results:export'](input);
    },
    'studies:create': ({ force, ...spec }) => createStudy(db, spec, Date.now(), { force: force === true }),
    'studies:close': ({ name }) => closeStudy(db, name),
    'studies:archive': ({ name, archived }) => archiveStudy(db, name, archived),
    'studies:delete': ({ name }) => deleteStudy(db, name),
    'profiles:remove': ({ id }) => removeProfile(db, id),
    'packs:export': ({ study, evaluator }) => {
      const r = exportPack(db, study, evaluator);
      return { fileName: r.fileName, content: r.content };
    },
    // SECURITY: the pack text is untrusted input; importPack parses it with the pack schema and checks its hash.
    'packs:import': ({ fileName, content }) => importPack(db, content, fileName),
    // Writes (records the export) and, in the desktop app, asks where to save: stays on this thread.
    'results:save': ({ pack }) => {
      endReviewsPastTheirTime(db); // as results:export: items whose time ran out go out ended by the clock
      return saveResults(db, { pack }, saveFile);
    },
    // SECURITY: results files are untrusted input: schema, hash, assignment and event rules are all checked.
    'results:import': ({ files, study }) => importResults(db, files, { study }),
  };
}
