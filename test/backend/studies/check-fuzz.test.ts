import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDb } from '../../helpers/db.js';
import { studyTasks } from './fixtures.js';

// SECURITY: studies:check and studies:plan take input from the UI (and browser mode's HTTP API):
// garbage or hostile input is refused with a clear error, never crashes, and writes nothing.
describe('studies:check and studies:plan at the boundary (fast-check)', () => {
  it('answer ok or a named refusal for any input, and never change the database', async () => {
    const { db, path } = tempDb();
    importTasks(db, studyTasks(5));
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const before = dumpDatabase(db);
    const condition = fc.record({ name: fc.oneof(fc.constantFrom('u', 'a', 'b'), fc.string()), policy: fc.oneof(fc.constantFrom('none', 'all', 'top-2', 'valid-only', 'top-0'), fc.string()) });
    const input = fc.record(
      {
        conditions: fc.oneof(fc.array(condition, { maxLength: 4 }), fc.anything()),
        evaluators: fc.oneof(fc.integer({ min: -2, max: 40 }), fc.anything()),
        overlap: fc.oneof(fc.integer({ min: -1, max: 50 }), fc.anything()),
        tasks: fc.oneof(fc.array(fc.constantFrom('task-1', 'task-2', 'nope', ''), { maxLength: 4 }), fc.anything()),
        uplift: fc.oneof(fc.double({ min: -1, max: 12, noNaN: true }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('studies:check', 'studies:plan'), input, async (op, raw) => {
        const r = await dispatch(handlers, op, raw);
        if (!r.ok) {
          expect(['bad-request', 'invalid-input']).toContain(r.error.code);
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
    expect(dumpDatabase(db)).toBe(before);
    db.close();
  });
});
