import { Suspense, lazy } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import type { CodeMark, LineSelection } from '../../components/code-view.js';
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
}

/** The middle pane: the output, as text with marks (a summary) or in Monaco (code, or a diff from `base`). */
export function OutputPane(p: Props): React.JSX.Element {
  const dark = useDarkMode();
  const { task } = p;
  const flawKey = keyLabel(keysOf('add-flaw'));
  if (task.kind === 'code') {
    return (
      <div className="ws-code">
        <div className="ws-code-head">
          <h2>{task.base !== null ? 'Diff (old → new)' : 'Code'}</h2>
          <span className="muted small">
            {p.lineSelection
              ? `Selected ${describeAnchor({ lines: [p.lineSelection.lines[0], p.lineSelection.lines[1]], side: p.lineSelection.side }, task.output)}: press ${flawKey} to add a flaw there`
              : `Select lines, then press ${flawKey} to add a flaw there`}
          </span>
        </div>
        <div className="code-host">
          <Suspense fallback={<div className="placeholder" aria-busy="true" />}>
            <CodeView
              output={task.output}
              base={task.base}
              language={task.language ?? 'plaintext'}
              dark={dark}
              marks={p.codeMarks}
              reveal={p.reveal}
              onMarkClick={p.onMarkClick}
              onSelectLines={p.onSelectLines}
            />
          </Suspense>
        </div>
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
