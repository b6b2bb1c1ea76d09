import type { OpOutput } from '../../../../shared/contract/index.js';
import { recordAdjudication, recordRulings } from '../../analysis/adjudicate.js';
import { loadStudyData } from '../../analysis/feed.js';
import type { AnyDb } from '../../db/types.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

/** The `analysis:*` handlers that only read (they also run on a read-only connection). */
export function analysisReadHandlers(db: AnyDb): Pick<Handlers, 'analysis:data'> {
  return {
    // StudyData is the same shape with readonly arrays; dispatch checks the result against the schema.
    'analysis:data': ({ study }) => loadStudyData(db, study).data as OpOutput<'analysis:data'>,
  };
}

/** Handlers of `analysis:*`. */
export function analysisHandlers({ db }: HandlerContext): Pick<Handlers, 'analysis:data' | 'analysis:adjudicate' | 'analysis:rule'> {
  return {
    ...analysisReadHandlers(db),
    'analysis:adjudicate': (input) => recordAdjudication(db, input),
    'analysis:rule': (input) => recordRulings(db, input),
  };
}
