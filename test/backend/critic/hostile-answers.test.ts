import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAnchor } from '../../../shared/anchors.js';
import { AnchorSchema } from '../../../shared/task-format.js';
import { runPrompts } from '../../../electron/backend/critic/prompts.js';
import { runCritic } from '../../../electron/backend/critic/run.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { startCriticServer } from '../../helpers/critic-server.js';
import { tempDb } from '../../helpers/db.js';

// Whatever a model answers — garbage, half-valid critiques, quotes that are nowhere, lone
// surrogates, absurd numbers — a run never crashes: each sample is stored with anchors that resolve
// to text the output holds, or recorded as a failure with a reason.

const output = 'The council closed the footbridge for a year.\nRepairs cost 420,000 pounds; a grant pays most.\n';
const pieces = ['for a year', 'council', 'Repairs cost', 'the moon', '', ' ', '\ud83c', '🎉', 'pounds; a grant', 'year.\nRepairs', 'x'.repeat(5000)];

const critique = fc.record(
  {
    text: fc.oneof(fc.string(), fc.constantFrom('A real problem.', '', '\ud800')),
    severity: fc.oneof(fc.constantFrom('minor', 'major', 'critical', 'fatal'), fc.constant(null)),
    category: fc.oneof(fc.string({ maxLength: 120 }), fc.constant(null)),
    confidence: fc.oneof(fc.double(), fc.constant('high'), fc.integer()),
    quote: fc.oneof(fc.constantFrom(...pieces), fc.string(), fc.constant(null)),
    lines: fc.oneof(fc.tuple(fc.integer({ min: -3, max: 9 }), fc.integer({ min: -3, max: 9 })), fc.constant(null), fc.constant([1])),
    evidence: fc.oneof(fc.array(fc.constantFrom(...pieces), { maxLength: 3 }), fc.constant(null)),
  },
  { requiredKeys: [] },
);
const answer = fc.oneof(
  fc.array(critique, { maxLength: 6 }).map((critiques) => JSON.stringify({ critiques })),
  fc.array(critique, { maxLength: 3 }).map((critiques) => `Sure:\n\`\`\`json\n${JSON.stringify({ critiques })}\n\`\`\``),
  fc.string(),
  fc.json(),
);

describe('hostile model answers', () => {
  it('never crash a run; every stored anchor resolves in the output; everything else is a failure with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 2, maxLength: 2 }), async (answers) => {
        const { db } = tempDb();
        importTasks(db, [{ id: 't', kind: 'summary', output, context: { document: 'The footbridge closes for six months.' } }]);
        const server = await startCriticServer({ content: (n) => answers[(n - 1) % answers.length]! });
        try {
          const summary = await runCritic(db, {
            critic: { name: 'h', model: 'm', baseUrl: server.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0, seed: 0, max_tokens: 10 }, key: { kind: 'none' } },
            apiKey: null,
            samples: 1,
            concurrency: 1,
            tasks: { kind: 'all' },
            maxRequests: null,
            dryRun: false,
            replace: false,
          });
          expect(summary.done + summary.failedCount).toBe(1);
          if (summary.failedCount) expect(summary.failed[0]!.reason).toMatch(/^malformed answer \(asked twice\): the answer /);
          const rows = db.prepare('SELECT text, anchor_json, hallucinated FROM critiques').all() as { text: string; anchor_json: string | null; hallucinated: number }[];
          for (const r of rows) {
            expect(r.text.trim()).not.toBe('');
            if (r.anchor_json) {
              const anchor = AnchorSchema.parse(JSON.parse(r.anchor_json));
              expect(resolveAnchor(anchor, output).ok).toBe(true);
              expect(r.hallucinated).toBe(0);
            }
          }
        } finally {
          await server.close();
          db.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
