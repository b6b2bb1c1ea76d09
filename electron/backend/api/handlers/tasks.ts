import type { AnyDb } from '../../db/types.js';
import { searchTasks, taskDetail, taskFacets } from '../../tasks/browse.js';
import { deleteTasks } from '../../tasks/delete.js';
import { countTasks, getTaskView, listTasks } from '../../tasks/repository.js';
import { UploadRegistry } from '../../tasks/uploads.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type TaskOpName = 'tasks:list' | 'tasks:get' | 'tasks:delete' | 'tasks:importBegin' | 'tasks:importChunk' | 'tasks:importFinish' | 'tasks:importCancel';
type TaskReadOpName = 'tasks:search' | 'tasks:facets' | 'tasks:detail';

/** The `tasks:*` handlers of the task browser, which only read (they also run on a read-only connection). */
export function taskReadHandlers(db: AnyDb): Pick<Handlers, TaskReadOpName> {
  return {
    'tasks:search': (query) => searchTasks(db, query),
    'tasks:facets': () => taskFacets(db),
    'tasks:detail': ({ id }) => taskDetail(db, id),
  };
}

/** Handlers of `tasks:*`. */
export function taskHandlers({ db, uploads = new UploadRegistry(db) }: HandlerContext): Pick<Handlers, TaskOpName | TaskReadOpName> {
  return {
    ...taskReadHandlers(db),
    'tasks:list': ({ offset, limit }) => ({ total: countTasks(db), items: listTasks(db, offset, limit) }),
    'tasks:get': ({ id }) => getTaskView(db, id),
    'tasks:delete': (input) => deleteTasks(db, input),
    'tasks:importBegin': ({ name, size, replace }) => uploads.begin(name, size, replace),
    'tasks:importChunk': ({ uploadId, offset, data }) => uploads.chunk(uploadId, offset, Buffer.from(data, 'base64')),
    'tasks:importFinish': ({ uploadId }) => uploads.finish(uploadId),
    'tasks:importCancel': ({ uploadId }) => ({ cancelled: uploads.cancel(uploadId) }),
  };
}
