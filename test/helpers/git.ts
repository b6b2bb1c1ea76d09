import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp.js';

// Small git repositories that tests build themselves (the code-review import sources read them).

/** Runs git in `repo` with a fixed identity and dates (commits are reproducible); returns stdout. */
export function git(repo: string, args: readonly string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.org',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.org',
      GIT_AUTHOR_DATE: '2026-01-05T09:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-05T09:00:00Z',
    },
  });
}

/** Writes files (path → text or bytes; null deletes) under `dir`. */
export function writeTree(dir: string, files: Readonly<Record<string, string | Buffer | null>>): void {
  for (const [p, content] of Object.entries(files)) {
    const full = path.join(dir, p);
    if (content === null) fs.rmSync(full, { force: true });
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
}

/** A new repository with one commit per entry of `commits` (files to write or delete, and the message); returns its folder. */
export function gitRepo(commits: readonly { files: Readonly<Record<string, string | Buffer | null>>; message: string; renames?: readonly [string, string][] }[]): string {
  const repo = tempDir('assay-git-');
  git(repo, ['init', '-q', '-b', 'main']);
  for (const c of commits) {
    for (const [from, to] of c.renames ?? []) git(repo, ['mv', from, to]);
    writeTree(repo, c.files);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '--allow-empty', '-m', c.message]);
  }
  return repo;
}
