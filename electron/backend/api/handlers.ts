import { countTasks, getTaskView, listTasks } from '../tasks/repository.js';
import { schemaVersion } from '../db/migrate.js';
import { loadDemo } from '../demo.js';
import { appVersion } from '../paths.js';
import type { WritableDb } from '../db/types.js';
import type { Handlers } from './dispatch.js';

/** What the handlers need to know about where they run. */
export interface HandlerContext {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
}

/** The back end's implementation of the contract, over one database. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { db } = ctx;
  return {
    'app:info': () => ({
      version: appVersion(),
      dbPath: ctx.dbPath,
      schemaVersion: schemaVersion(db),
      taskCount: countTasks(db),
      host: ctx.host,
    }),
    'demo:load': () => {
      const r = loadDemo(db);
      return { tasks: r.tasks, unchanged: r.unchanged };
    },
    'tasks:list': ({ offset, limit }) => ({ total: countTasks(db), items: listTasks(db, offset, limit) }),
    'tasks:get': ({ id }) => getTaskView(db, id),
  };
}
