import { countTasks, getTaskView, listTasks } from '../../tasks/repository.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

/** Handlers of `tasks:*`. */
export function taskHandlers({ db }: HandlerContext): Pick<Handlers, 'tasks:list' | 'tasks:get'> {
  return {
    'tasks:list': ({ offset, limit }) => ({ total: countTasks(db), items: listTasks(db, offset, limit) }),
    'tasks:get': ({ id }) => getTaskView(db, id),
  };
}
