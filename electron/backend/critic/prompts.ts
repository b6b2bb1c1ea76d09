import fs from 'node:fs';
import path from 'node:path';
import { checkTemplate } from '../../../shared/critic/prompt.js';
import { AppError } from '../../../shared/result.js';
import { readUtf8File } from '../files.js';
import { packageRoot } from '../paths.js';
import { sha256Text, type PromptRef } from './repository.js';

/** The default prompt files, shipped in the package: copy one, edit it, pass it with --prompt. */
export function defaultPromptPath(kind: 'summary' | 'code'): string {
  return path.join(packageRoot(), 'assets', 'prompts', `${kind}.md`);
}

/** A prompt template from a file, checked (known fields, balanced blocks); errors name the file and line. */
export function loadPrompt(file: string, label = file): PromptRef {
  if (fs.existsSync(file) && fs.statSync(file).size > 1024 * 1024) throw new AppError('invalid-input', `${label}: a prompt is at most 1 MiB`);
  const text = readUtf8File(file, label);
  const problems = checkTemplate(text);
  if (problems.length > 0) throw new AppError('invalid-input', problems.map((p) => `${label}: ${p}`).join('\n'));
  if (!/\{\{\s*output(_numbered)?\s*\}\}/.test(text)) throw new AppError('invalid-input', `${label}: the prompt never uses {{output}} (or {{output_numbered}}): the model would not see the output`);
  return { sha256: sha256Text(text), text };
}

/** The prompts of a run: one file for both kinds (--prompt), or the defaults. */
export function runPrompts(file: string | undefined): { summary: PromptRef; code: PromptRef } {
  if (file !== undefined) {
    const p = loadPrompt(file);
    return { summary: p, code: p };
  }
  return { summary: loadPrompt(defaultPromptPath('summary')), code: loadPrompt(defaultPromptPath('code')) };
}
