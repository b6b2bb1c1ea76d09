import { z } from 'zod';

const DesignSchema = z.object({
  tasks: z.number().int(),
  evaluators: z.number().int(),
  overlap: z.number().int(),
  power: z.number(),
  mean_ci_width: z.number().nullable(),
  median_ci_width: z.number().nullable(),
  replicates: z.number().int(),
});

/** A study plan (plan.ts `StudyPlan`) as the contract carries it. */
export const StudyPlanSchema = z.object({
  assumptions: z.object({
    uplift: z.number(),
    evaluatorSd: z.number(),
    taskSd: z.number(),
    baselineCatchRate: z.number(),
    power: z.number(),
    replicates: z.number().int(),
    seed: z.number().int(),
  }),
  conditions: z.array(z.object({ name: z.string(), policy: z.string() })),
  designs: z.array(DesignSchema),
  recommended: DesignSchema.nullable(),
  note: z.string().nullable(),
});
