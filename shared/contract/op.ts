import type { z } from 'zod';

/** One operation of the API contract: the schema of its input and of its result. */
export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for the API listing. */
  readonly summary: string;
}

/** Declares an operation; a helper only so that the types stay narrow. */
export function op<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): Operation<I, O> {
  return { summary, input, output };
}
