import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TaskRow } from '../../../../shared/contract/tasks.js';
import { findTerms } from '../../../../shared/task-search.js';
import { rowWindow, scrollToRow } from './browse-state.js';
import { plural } from '../../../../shared/plural.js';

/** Height of one row of the list, in pixels (three lines: title, facts, snippet). */
export const ROW_HEIGHT = 70;

/** `text` with the search terms marked (as text nodes and <mark>: never HTML). */
export function Highlighted({ text, terms }: { readonly text: string; readonly terms: readonly string[] }): React.JSX.Element {
  const hits = terms.length ? findTerms(text, terms, 50) : [];
  if (hits.length === 0) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const h of hits) {
    if (h.start > at) parts.push(text.slice(at, h.start));
    parts.push(<mark key={h.start}>{text.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** What a task is, in a few words: `Summary`, `Code diff · python`. */
export function kindLabel(t: Pick<TaskRow, 'kind' | 'hasBase' | 'language'> & { readonly files?: number | null }): string {
  const files = t.files ?? null;
  return t.kind === 'code' ? `Code${files !== null ? ` · ${files} file${files === 1 ? '' : 's'}` : t.hasBase ? ' diff' : ''}${t.language ? ` · ${t.language}` : ''}` : 'Summary';
}


const Row = memo(function Row({ row, index, selected, terms, onSelect }: { row: TaskRow; index: number; selected: boolean; terms: readonly string[]; onSelect: (row: TaskRow, index: number) => void }): React.JSX.Element {
  const facts = [
    kindLabel(row),
    plural(row.critiqueCount, 'critique'),
    row.flawCount > 0 ? `${plural(row.flawCount, 'flaw')}${row.anchoredFlawCount > 0 ? ` (${row.anchoredFlawCount} anchored)` : ''}` : 'no flaws',
    ...(row.source ? [row.source] : []),
    ...(row.studyCount > 0 ? [`in ${row.studies.join(', ')}${row.studyCount > row.studies.length ? ` +${row.studyCount - row.studies.length}` : ''}`] : []),
  ];
  return (
    <div
      role="option"
      id={`task-option-${index}`}
      aria-selected={selected}
      aria-label={row.title ?? row.id}
      className={`task-option${selected ? ' selected' : ''}`}
      onClick={() => onSelect(row, index)}
      style={{ height: ROW_HEIGHT }}
    >
      <div className="task-option-head">
        {row.title ? (
          <span className="task-option-title">
            <Highlighted text={row.title} terms={terms} />
          </span>
        ) : (
          <span className="task-option-title untitled mono">
            <Highlighted text={row.id} terms={terms} />
          </span>
        )}
        {row.title && (
          <span className="task-option-id mono muted">
            <Highlighted text={row.id} terms={terms} />
          </span>
        )}
      </div>
      <div className="task-option-facts muted small">{facts.join(' · ')}</div>
      <div className="task-option-snippet small">
        <Highlighted text={row.snippet} terms={terms} />
      </div>
    </div>
  );
});

interface Props {
  readonly total: number;
  /** The rows loaded so far, by index; a missing one is drawn as a placeholder and asked for. */
  readonly rowAt: (index: number) => TaskRow | undefined;
  /** Asks for the rows of [first, end) (the caller loads the pages they fall in). */
  readonly onNeed: (first: number, end: number) => void;
  readonly selectedId: string | null;
  readonly terms: readonly string[];
  readonly onSelect: (row: TaskRow, index: number) => void;
  /** Index of a row to bring into view (keyboard moves); changes of it scroll. */
  readonly revealIndex: number | null;
  /** Changes when the list is for other filters: back to the top. */
  readonly resetKey: string;
  readonly label: string;
}

/**
 * The task list, virtualised: only the rows near the visible part are in the page, so 100,000 tasks
 * scroll like 100. Rows come a page at a time from the back end as they scroll into view.
 */
export function TaskRows({ total, rowAt, onNeed, selectedId, terms, onSelect, revealIndex, resetKey, label }: Props): React.JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const w = rowWindow(total, ROW_HEIGHT, scrollTop, viewport);
  useEffect(() => {
    if (w.end > w.first) onNeed(w.first, w.end);
  }, [w.first, w.end, onNeed]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || revealIndex === null) return;
    const target = scrollToRow(revealIndex, total, ROW_HEIGHT, el.scrollTop, el.clientHeight);
    if (target !== null) el.scrollTop = target;
  }, [revealIndex, total]);

  const rows: React.ReactNode[] = [];
  for (let i = w.first; i < w.end; i++) {
    const row = rowAt(i);
    rows.push(
      row ? (
        <Row key={row.id} row={row} index={i} selected={row.id === selectedId} terms={terms} onSelect={onSelect} />
      ) : (
        <div key={`placeholder-${i}`} className="task-option placeholder-row" style={{ height: ROW_HEIGHT }} aria-hidden="true" />
      ),
    );
  }
  const selectedIndex = (() => {
    for (let i = w.first; i < w.end; i++) if (rowAt(i)?.id === selectedId) return i;
    return -1;
  })();
  return (
    <div
      ref={scroller}
      className="task-rows"
      role="listbox"
      aria-label={label}
      aria-activedescendant={selectedIndex >= 0 ? `task-option-${selectedIndex}` : undefined}
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: w.height, position: 'relative' }}>
        <div style={{ position: 'absolute', top: w.top, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
