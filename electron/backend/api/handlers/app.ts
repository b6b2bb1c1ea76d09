import { schemaVersion } from '../../db/migrate.js';
import { loadDemo } from '../../demo.js';
import { appVersion } from '../../paths.js';
import { countTasks } from '../../tasks/repository.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

/** Handlers of `app:*` and `demo:*`. */
export function appHandlers(ctx: HandlerContext): Pick<Handlers, 'app:info' | 'demo:load'> {
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
  };
}
