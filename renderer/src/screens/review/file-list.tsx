import { useEffect, useRef } from 'react';
import type { TaskFileView } from '../../../../shared/contract/tasks.js';
import { fileStatus, type FileCounts, type FileStatus } from './change-files.js';
import { keysOf } from './keymap.js';
import './file-list.css';
import { plural } from '../../../../shared/plural.js';

const statusLetter: Readonly<Record<FileStatus, string>> = { added: 'A', deleted: 'D', renamed: 'R', modified: 'M' };
const statusWord: Readonly<Record<FileStatus, string>> = { added: 'new file', deleted: 'deleted', renamed: 'renamed', modified: 'modified' };

/** How a file's status reads in words (the diff header, the list's accessible names). */
export function statusText(f: Pick<TaskFileView, 'base' | 'deleted' | 'renamedFrom'>): string {
  const s = fileStatus(f);
  return s === 'renamed' ? `renamed from ${f.renamedFrom}` : statusWord[s];
}

const listKeys = `${keysOf('next-file')} ${keysOf('prev-file')}`;


interface Props {
  readonly files: readonly TaskFileView[];
  readonly current: string;
  readonly onOpen: (path: string) => void;
  /** Per-file critique and flaw counts (the review); omitted in the researcher's preview. */
  readonly counts?: ReadonlyMap<string, FileCounts>;
  /** False in an unassisted condition: no critique counts (there are no critiques to count). */
  readonly critiques?: boolean;
}

/**
 * The files of a multi-file change, as a pull request lists them: status letter, path (folder
 * dimmed), and — in a review — the file's critiques (undecided ones marked) and own flaws.
 */
export function FileList({ files, current, onOpen, counts, critiques = true }: Props): React.JSX.Element {
  const currentRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // braces: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup
    void currentRef.current?.scrollIntoView({ block: 'nearest' });
  }, [current]);
  return (
    <nav className="file-list" aria-label="Files" aria-keyshortcuts={listKeys}>
      <ol>
        {files.map((f) => {
          const s = fileStatus(f);
          const slash = f.path.lastIndexOf('/');
          const n = counts?.get(f.path);
          const label = [
            f.path,
            statusText(f),
            ...(n && critiques ? [`${plural(n.critiques, 'critique')}${n.undecided > 0 ? ` (${n.undecided} undecided)` : ''}`] : []),
            ...(n ? [plural(n.flaws, 'own flaw')] : []),
          ].join(', ');
          const here = f.path === current;
          return (
            <li key={f.path}>
              <button
                ref={here ? currentRef : undefined}
                type="button"
                className={`file-row${here ? ' current' : ''}`}
                aria-current={here ? 'true' : undefined}
                aria-label={label}
                title={label}
                onClick={() => onOpen(f.path)}
              >
                <span className={`file-status fs-${s}`} aria-hidden="true">
                  {statusLetter[s]}
                </span>
                <span className={`file-path${f.deleted ? ' deleted' : ''}`} aria-hidden="true">
                  {slash >= 0 && <span className="file-dir">{f.path.slice(0, slash + 1)}</span>}
                  <span className="file-name">{f.path.slice(slash + 1)}</span>
                </span>
                {n && (
                  <span className="file-counts" aria-hidden="true">
                    {critiques && n.critiques > 0 && (
                      <span className={`file-count cq-count${n.undecided > 0 ? ' open' : ''}`}>
                        {n.critiques - n.undecided}/{n.critiques}
                      </span>
                    )}
                    {n.flaws > 0 && <span className="file-count own-count">{n.flaws}</span>}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
