import { checkTemplate } from '../../../shared/critic/prompt.js';
import type { CriticRunInputSchema } from '../../../shared/contract/critic.js';
import { AppError } from '../../../shared/result.js';
import type { z } from 'zod';
import { checkBaseUrl } from './client.js';
import { runPrompts } from './prompts.js';
import { sha256Text, type CriticConfig, type KeySource, type PromptRef } from './repository.js';
import type { RunOptions } from './run.js';

/** A run's input as the contract parsed it. */
export type ParsedRunInput = z.output<typeof CriticRunInputSchema>;

/** A prompt given as text (the UI's "prompt" field), checked as a prompt file is. */
export function promptFromText(text: string): PromptRef {
  const problems = checkTemplate(text);
  if (problems.length > 0) throw new AppError('invalid-input', problems.map((p) => `prompt: ${p}`).join('\n'));
  if (!/\{\{\s*output(_numbered)?\s*\}\}/.test(text)) throw new AppError('invalid-input', 'prompt: it never uses {{output}} (or {{output_numbered}}): the model would not see the output');
  return { sha256: sha256Text(text), text };
}

/** The critic a UI run describes. */
export function configFromInput(input: ParsedRunInput): CriticConfig {
  let baseUrl: string;
  try {
    baseUrl = checkBaseUrl(input.baseUrl);
  } catch (err) {
    throw new AppError('invalid-input', (err as Error).message.replace(/^--base-url/, 'baseUrl'));
  }
  const prompts = input.promptText !== undefined ? ((p) => ({ summary: p, code: p }))(promptFromText(input.promptText)) : runPrompts(undefined);
  const key: KeySource = input.key;
  return { name: input.name, model: input.model, baseUrl, prompts, params: { temperature: input.temperature, seed: input.seed, max_tokens: input.maxTokens }, key };
}

/** The run options of a UI run (the key resolved by the caller). */
export function runOptionsFromInput(input: ParsedRunInput, apiKey: string | null, dryRun: boolean): RunOptions {
  return {
    critic: configFromInput(input),
    apiKey,
    samples: input.samples,
    concurrency: input.concurrency,
    tasks: input.tasks === 'all' ? { kind: 'all' } : { kind: 'ids', ids: input.tasks },
    maxRequests: input.maxRequests,
    dryRun,
    replace: input.replace,
    onDemand: input.onDemand,
  };
}
