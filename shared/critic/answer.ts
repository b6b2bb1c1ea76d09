import { z } from 'zod';
import { parseUntrustedJson } from '../json-shape.js';
import { findLoneSurrogate } from '../unicode.js';

// What a critic model answers, and how Assay reads it. The model's text is untrusted: it is parsed
// with a depth limit, validated with zod, and only ever rendered as text.

/** The most critiques Assay keeps from one answer (a list longer than this is a malformed answer). */
export const MAX_CRITIQUES_PER_ANSWER = 50;
/** The longest critique text, quote or evidence quote accepted, in UTF-16 units. */
export const MAX_CRITIQUE_TEXT = 4_000;

const text = (max: number): z.ZodString => z.string().max(max);

/** One critique as the model writes it. */
export const ModelCritiqueSchema = z.object({
  text: text(MAX_CRITIQUE_TEXT).trim().min(1),
  severity: z.enum(['minor', 'major', 'critical']).nullish().catch(null),
  category: text(100).trim().nullish().catch(null),
  // a confidence outside [0, 1] is clamped: it orders critiques, nothing more
  confidence: z
    .number()
    .refine(Number.isFinite)
    .transform((n) => Math.min(1, Math.max(0, n))),
  quote: text(MAX_CRITIQUE_TEXT).nullish(),
  lines: z.tuple([z.number().int(), z.number().int()]).nullish(),
  evidence: z.array(text(MAX_CRITIQUE_TEXT)).max(20).nullish(),
});
/** One critique as the model writes it, validated. */
export type ModelCritique = z.output<typeof ModelCritiqueSchema>;

/** A whole answer: the candidate critique list of one sample. */
export const ModelAnswerSchema = z.object({ critiques: z.array(ModelCritiqueSchema).max(MAX_CRITIQUES_PER_ANSWER) });
/** A whole answer, validated. */
export type ModelAnswer = z.output<typeof ModelAnswerSchema>;

/**
 * The JSON Schema the model is asked to answer in (structured output). Written by hand rather than
 * generated: OpenAI's strict mode accepts only a subset (every property required, no bounds on
 * numbers, `additionalProperties: false`), and every server family must accept it.
 */
export function answerJsonSchema(): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['critiques'],
    properties: {
      critiques: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['text', 'severity', 'category', 'confidence', 'quote', 'lines', 'evidence'],
          properties: {
            text: { type: 'string', description: 'The problem, in one or two sentences.' },
            severity: { type: 'string', enum: ['minor', 'major', 'critical'] },
            category: { type: 'string', description: 'accuracy, coverage, coherence, correctness, security, style or other' },
            confidence: { type: 'number', description: 'How sure you are that this is a real problem, from 0 to 1.' },
            quote: { type: ['string', 'null'], description: 'The exact words of the output the problem is about, copied character for character; null if it is about the whole output.' },
            lines: {
              anyOf: [{ type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 }, { type: 'null' }],
              description: 'Code only: the first and last line (1-based) the problem is about; null otherwise.',
            },
            evidence: { type: 'array', items: { type: 'string' }, description: 'Exact quotes from the source document that show the problem; empty if none.' },
          },
        },
      },
    },
  };
}

/** The outcome of reading an answer: the critiques, or why the answer is malformed. */
export type AnswerReading = { readonly ok: true; readonly answer: ModelAnswer } | { readonly ok: false; readonly problem: string };

/**
 * The first complete JSON object or array in `content`, for servers that ignore the schema and
 * wrap the JSON in prose or a Markdown fence. Strings are skipped, so braces inside them do not count.
 */
export function extractJsonText(content: string): string | null {
  const trimmed = content.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed;
  for (let start = 0; start < content.length; start++) {
    const c = content[start];
    if (c !== '{' && c !== '[') continue;
    let depth = 0;
    let inString = false;
    for (let i = start; i < content.length; i++) {
      const ch = content[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return content.slice(start, i + 1);
      }
    }
    return null; // an unclosed object: nothing later can be complete either
  }
  return null;
}

/**
 * Reads a model's answer: JSON (possibly wrapped in prose, for servers that ignore the schema), a
 * bare list taken as the critique list, validated with {@link ModelAnswerSchema}. Never throws.
 */
// SECURITY: model text is untrusted: depth-limited parse, no lone surrogates, zod, bounded sizes.
export function readAnswer(content: string): AnswerReading {
  if (content.length > 1_000_000) return { ok: false, problem: `the answer is ${content.length} characters long (limit 1,000,000)` };
  const json = extractJsonText(content);
  if (json === null) return { ok: false, problem: `the answer holds no JSON object: ${JSON.stringify(content.slice(0, 80))}` };
  let raw: unknown;
  try {
    raw = parseUntrustedJson(json);
  } catch (err) {
    return { ok: false, problem: `the answer is not valid JSON: ${(err as Error).message}` };
  }
  if (Array.isArray(raw)) raw = { critiques: raw };
  const lone = findLoneSurrogate(raw);
  if (lone) return { ok: false, problem: 'the answer contains a lone surrogate (not valid Unicode text)' };
  const parsed = ModelAnswerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `the answer does not follow the schema: ${issue.path.map(String).join('.') || '(answer)'}: ${issue.message}` };
  }
  return { ok: true, answer: parsed.data };
}
