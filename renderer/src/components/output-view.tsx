import { Suspense, lazy, useEffect, useMemo, useRef } from 'react';
import type { TextRange } from '../../../shared/contract/text-range.js';
import { ChunkedText, type Mark } from '../screens/review/chunked-text.js';
import { useDarkMode } from '../use-dark.js';
import type { CodeMark, LineSelection } from './code-view.js';
import './output-view.css';

const CodeView = lazy(() => import('./code-view.js'));

/** What a highlight in an output stands for: a ground-truth flaw, a model critique, or an evaluator's report. */
export type OutputMarkKind = 'flaw' | 'critique' | 'report';

/** A highlighted place in an output (or in the base of a diff). */
export interface OutputMark {
  readonly id: string;
  readonly kind: OutputMarkKind;
  readonly range: TextRange;
  /** Plain text for the hover (never interpreted as HTML or Markdown). */
  readonly title: string;
}

interface Props {
  readonly kind: 'summary' | 'code';
  readonly output: string;
  readonly base: string | null;
  readonly language: string | null;
  readonly marks: readonly OutputMark[];
  /** The mark to emphasise and bring into view. */
  readonly selected?: string | null;
  readonly onMarkClick?: (id: string) => void;
  /** The accessible name of the text region. */
  readonly label: string;
  /** Code that is a deleted file's old text (given as `output`, marks on its `output` side): shown as deleted. */
  readonly deleted?: boolean;
}

/**
 * A task's output with highlights, read-only: a summary as text (virtualised: long texts stay fast),
 * code in Monaco (a diff from `base` when there is one) with line highlights. Used by the task
 * browser's preview and the matching screen. Model text is only ever text.
 */
export function OutputView({ kind, output, base, language, marks, selected = null, onMarkClick, label, deleted = false }: Props): React.JSX.Element {
  const dark = useDarkMode();
  const host = useRef<HTMLDivElement>(null);
  const textMarks: Mark[] = useMemo(
    () =>
      marks
        .filter((m) => m.range.side === 'output' && m.range.end16 > m.range.start16)
        .map((m) => ({ id: m.id, start: m.range.start16, end: m.range.end16, className: `om om-${m.kind}${m.id === selected ? ' om-selected' : ''}`, title: m.title })),
    [marks, selected],
  );
  const codeMarks: CodeMark[] = useMemo(
    () => marks.map((m) => ({ id: m.id, lines: m.range.lines, side: m.range.side, className: `om-${m.kind}${m.id === selected ? ' om-selected cq-selected' : ''}`, hover: m.title })),
    [marks, selected],
  );
  const reveal: LineSelection | null = useMemo(() => {
    const m = marks.find((x) => x.id === selected);
    return m ? { lines: m.range.lines, side: m.range.side } : null;
  }, [marks, selected]);

  useEffect(() => {
    if (kind !== 'summary' || !selected) return;
    // the mark of the selected flaw or report: scroll it into view within the output's own scroller
    const el = host.current?.querySelector(`[data-mark~="${CSS.escape(selected)}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [kind, selected, textMarks]);

  if (kind === 'code') {
    return (
      <div className="output-view code" role="region" aria-label={label}>
        <Suspense fallback={<div className="placeholder" aria-busy="true" />}>
          <CodeView output={output} base={base} language={language ?? 'plaintext'} dark={dark} marks={codeMarks} reveal={reveal} deleted={deleted} {...(onMarkClick ? { onMarkClick } : {})} />
        </Suspense>
      </div>
    );
  }
  return (
    <div ref={host} className="output-view summary">
      <ChunkedText text={output} marks={textMarks} label={label} {...(onMarkClick ? { onMarkClick } : {})} />
    </div>
  );
}
