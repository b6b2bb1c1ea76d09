import { countTasks, getTaskView, listTasks } from '../../tasks/repository.js';
import { UploadRegistry } from '../../tasks/uploads.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type TaskOpName = 'tasks:list' | 'tasks:get' | 'tasks:importBegin' | 'tasks:importChunk' | 'tasks:importFinish' | 'tasks:importCancel';

/** Handlers of `tasks:*`. */
export function taskHandlers({ db, uploads = new UploadRegistry(db) }: HandlerContext): Pick<Handlers, TaskOpName> {
  return {
    'tasks:list': ({ offset, limit }) => ({ total: countTasks(db), items: listTasks(db, offset, limit) }),
    'tasks:get': ({ id }) => getTaskView(db, id),
    'tasks:importBegin': ({ name, size, replace }) => uploads.begin(name, size, replace),
    'tasks:importChunk': ({ uploadId, offset, data }) => uploads.chunk(uploadId, offset, Buffer.from(data, 'base64')),
    'tasks:importFinish': ({ uploadId }) => uploads.finish(uploadId),
    'tasks:importCancel': ({ uploadId }) => ({ cancelled: uploads.cancel(uploadId) }),
  };
}
