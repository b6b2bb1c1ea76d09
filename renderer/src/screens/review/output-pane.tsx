import { Suspense, lazy } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import type { TaskFileView } from '../../../../shared/contract/tasks.js';
import type { CodeMark, LineSelection } from '../../components/code-view.js';
import type { FileCounts } from './change-files.js';
import { FileList, statusText } from './file-list.js';
import { codeLayout } from './prefetch.js';
import type { CodeLook } from './verdicts.js';
import { useDarkMode } from '../../use-dark.js';
import { describeAnchor } from './anchors.js';
import { ChunkedText, type Mark } from './chunked-text.js';
import { keyLabel, keysOf } from './keymap.js';

const CodeView = lazy(() => import('../../components/code-view.js'));

interface Props {
  readonly task: ReviewView['task'];
  /** Summaries: the marks in the output text. */
  readonly marks: readonly Mark[];
  /** Code: the line marks, and the lines to bring into view. */
  readonly codeMarks: readonly CodeMark[];
  readonly reveal: LineSelection | null;
  readonly lineSelection: LineSelection | null;
  readonly onSelectLines: (selection: LineSelection | null) => void;
  readonly onMarkClick: (id: string) => void;
  readonly outputRef: React.RefObject<HTMLDivElement | null>;
  /** A multi-file change (task format 1.1): the open file and how it is shown, with the file list. */
  readonly change?: ChangeProps | undefined;
}

/** The pull-request view's part of the output pane. */
export interface ChangeProps {
  readonly files: readonly TaskFileView[];
  readonly file: TaskFileView;
  /** What the editor shows for the open file (a deleted file as its old text). */
  readonly code: CodeLook;
  readonly counts: ReadonlyMap<string, FileCounts>;
  /** False in an unassisted condition: the file list counts no critiques. */
  readonly critiques: boolean;
  readonly onOpenFile: (path: string) => void;
}

/** The middle pane: the output, as text with marks (a summary) or in Monaco (code, or a diff from `base`). */
export function OutputPane(p: Props): React.JSX.Element {
  const dark = useDarkMode();
  const { task } = p;
  const flawKey = keyLabel(keysOf('add-flaw'));
  const selected = p.lineSelection ? describeAnchor({ lines: [p.lineSelection.lines[0], p.lineSelection.lines[1]], side: p.lineSelection.side }, '') : null;
  // The code pane's editor (one file of a change, or the task's code), in the review's stage.
  const codeHost = (code: Pick<React.ComponentProps<typeof CodeView>, 'output' | 'base' | 'language' | 'deleted' | 'marks' | 'reveal'>): React.JSX.Element => (
    <div className="code-host">
      <Suspense fallback={<div className="placeholder" aria-busy="true" />}>
        <CodeView {...code} dark={dark} onMarkClick={p.onMarkClick} onSelectLines={p.onSelectLines} layout={codeLayout(task)} placement="stage" />
      </Suspense>
    </div>
  );
  const c = p.change;
  if (c) {
    const f = c.file;
    return (
      <div className="ws-code ws-change">
        <div className="ws-code-head">
          <h2>
            Change <span className="muted">{c.files.length} files</span>
          </h2>
          <span className="muted small">
            {selected
              ? `Selected ${selected}: press ${flawKey} to add a flaw there`
              : `Select lines, then press ${flawKey} to add a flaw there · ${keyLabel(keysOf('next-file'))} ${keyLabel(keysOf('prev-file'))} next / previous file`}
          </span>
        </div>
        <div className="change-body">
          <FileList files={c.files} current={f.path} counts={c.counts} critiques={c.critiques} onOpen={c.onOpenFile} />
          <div className="change-file">
            <div className="file-head" aria-live="polite">
              <span className="file-head-path mono">{f.path}</span>
              <span className="muted small">
                {statusText(f)} · file {c.files.indexOf(f) + 1} of {c.files.length}
                {f.base !== null && !f.deleted ? ' · old → new' : ''}
              </span>
            </div>
            {codeHost({ output: c.code.output, base: c.code.base, language: c.code.language, deleted: c.code.deleted, marks: c.code.marks, reveal: c.code.reveal })}
          </div>
        </div>
      </div>
    );
  }
  if (task.kind === 'code') {
    return (
      <div className="ws-code">
        <div className="ws-code-head">
          <h2>{task.base !== null ? 'Diff (old → new)' : 'Code'}</h2>
          <span className="muted small">
            {selected ? `Selected ${selected}: press ${flawKey} to add a flaw there` : `Select lines, then press ${flawKey} to add a flaw there`}
          </span>
        </div>
        {codeHost({ output: task.output, base: task.base, language: task.language ?? 'plaintext', marks: p.codeMarks, reveal: p.reveal })}
      </div>
    );
  }
  return (
    <div className="ws-scroll" ref={p.outputRef}>
      <h2>Output</h2>
      <ChunkedText text={task.output} marks={p.marks} className="output-text" label="Output" onMarkClick={p.onMarkClick} />
      <p className="muted small hint">Select text, then press {flawKey} to add a flaw there.</p>
    </div>
  );
}
