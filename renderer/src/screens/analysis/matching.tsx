import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { TextIndex } from '../../../../shared/anchors.js';
import type { TaskDetail } from '../../../../shared/contract/tasks.js';
import { matchStudy } from '../../../../shared/metrics/compute.js';
import type { MetricAnchor, StudyData } from '../../../../shared/metrics/types.js';
import { call } from '../../api/client.js';
import { OutputView, type OutputMark } from '../../components/output-view.js';
import { rowWindow } from '../tasks/browse-state.js';
import { ChangePreview } from '../tasks/change-preview.js';
import {
  defaultFlaw,
  filterReports,
  keyFor,
  matchingKeys,
  progressOf,
  reportItems,
  reportText,
  rulingsFor,
  shortcutsOf,
  type PairRuling,
  type ReportFilter,
  type ReportItem,
  type RulingAction,
} from './adjudication.js';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Rulings on one report, for the back end (`analysis:rule`). */
export interface Ruling {
  readonly review: string;
  readonly report: ReportItem['report'];
  readonly rulings: readonly PairRuling[];
}

const ROW = 54;

/** A state word for a report in the list. */
function stateOf(item: ReportItem): { text: string; className: string } {
  if (item.task.flaws.length === 0) return { text: 'no flaws to match', className: 'none' };
  const ruled = item.ruled ? 'ruled' : 'auto';
  if (item.counted.length > 0) return { text: `${item.ruled ? '' : 'auto: '}${item.counted.join(', ')}`, className: `${ruled} counted` };
  return { text: item.ruled ? 'no match' : 'unmatched', className: `${ruled} unmatched` };
}

/** A resolved metric anchor (code points) as a text range (UTF-16) in the output or base. */
function rangeOfAnchor(anchor: MetricAnchor, detail: TaskDetail): OutputMark['range'] {
  // in a multi-file task the anchor's offsets are in its file's text, not in the (empty) output
  const file = anchor.path != null ? detail.files?.find((x) => x.path === anchor.path) : undefined;
  const text = file ? (anchor.side === 'base' ? (file.base ?? '') : file.output) : anchor.side === 'base' ? (detail.base ?? '') : detail.output;
  const index = new TextIndex(text);
  return { start16: index.toUtf16(anchor.start), end16: index.toUtf16(anchor.end), lines: [anchor.lines[0], anchor.lines[1]], side: anchor.side, path: anchor.path ?? null };
}

/** A task as the screen names it: its title and id (titles need not be unique), or the id alone. */
function taskName(task: ReportItem['task']): string {
  return task.title ? `${task.title} (${task.id})` : task.id;
}

/** Where an anchor of a multi-file task is: its file, side and lines ("billing/a.py, old lines 3–4"); null elsewhere. */
function fileWhere(anchor: { readonly path?: string | null; readonly lines: readonly [number, number] | readonly number[]; readonly side: 'output' | 'base' } | null | undefined): { path: string; text: string } | null {
  if (!anchor?.path) return null;
  const a = anchor.lines[0]!;
  const b = anchor.lines[1] ?? a;
  const lines = a === b ? `line ${a}` : `lines ${a}–${b}`;
  return { path: anchor.path, text: `${anchor.path}, ${anchor.side === 'base' ? 'old ' : ''}${lines}` };
}

function ReportRow({ item, index, current, onPick }: { item: ReportItem; index: number; current: boolean; onPick: (i: number) => void }): React.JSX.Element {
  const t = reportText(item);
  const state = stateOf(item);
  return (
    <div
      role="option"
      id={`report-${index}`}
      aria-selected={current}
      aria-label={`${t.title} by ${item.review.evaluator} on ${taskName(item.task)}`}
      title={taskName(item.task)}
      className={`report-row${current ? ' current' : ''}`}
      style={{ height: ROW }}
      onClick={() => onPick(index)}
    >
      {/* the id is never the part cut: tasks may share a title ("[RF] Last Night Leftovers" four times) */}
      <div className="report-row-task">
        <span className="report-row-title">{item.task.title || item.task.id}</span>
        {item.task.title && <span className="report-row-id mono muted">{item.task.id}</span>}
      </div>
      <div className="report-row-what small">
        <span>
          {item.review.evaluator} · {item.review.condition} — {t.title}
        </span>
        <span className={`report-state ${state.className}`}>{state.text}</span>
      </div>
    </div>
  );
}

/**
 * The matching and adjudication screen (issue #12), built for ruling on hundreds of reports: a list
 * of every report (filterable, with progress), the output with the chosen ground-truth flaw and the
 * report highlighted side by side, and keys for match / no match / next from one key table.
 */
export function Matching({ data, onRule }: { readonly data: StudyData; readonly onRule: (r: Ruling) => Promise<void> }): React.JSX.Element {
  const matchings = useMemo(() => matchStudy(data), [data]);
  const items = useMemo(() => reportItems(data, matchings), [data, matchings]);
  const [filter, setFilter] = useState<ReportFilter>({ show: 'all', evaluator: '', condition: '' });
  const shown = useMemo(() => filterReports(items, filter), [items, filter]);
  const progress = useMemo(() => progressOf(items), [items]);
  const [currentKey, setCurrentKey] = useState<string | null>(null);
  const [flaw, setFlaw] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [details, setDetails] = useState<ReadonlyMap<string, TaskDetail>>(new Map());
  const list = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(500);
  /** Where the current report was in the shown list: after a ruling takes it out (filter "not yet ruled"), the next takes its place. */
  const lastIndex = useRef(0);

  let index = shown.findIndex((i) => i.key === currentKey);
  if (index < 0 && shown.length > 0) index = Math.min(lastIndex.current, shown.length - 1);
  const current = index >= 0 ? shown[index] : undefined;
  if (index >= 0) lastIndex.current = index;

  const evaluators = useMemo(() => [...new Set(data.reviews.map((r) => r.evaluator))].sort(), [data]);
  const conditions = data.conditions.map((c) => c.name);

  // the chosen flaw follows the report (the one it counts for, else its automatic match, else the first)
  // (only when another report becomes current, not when its rulings change)
  const flawFor = useRef<string | null>(null);
  if (current && flawFor.current !== current.key) {
    flawFor.current = current.key;
    const initial = defaultFlaw(current);
    if (initial !== flaw) setFlaw(initial);
  }

  // the task's output and anchors, fetched once per task
  const taskId = current?.task.id;
  useEffect(() => {
    if (!taskId || details.has(taskId)) return;
    let live = true;
    call('tasks:detail', { id: taskId })
      .then((d) => live && setDetails((m) => new Map(m).set(taskId, d)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [taskId, details]);

  const go = useCallback(
    (i: number) => {
      const item = shown[Math.max(0, Math.min(shown.length - 1, i))];
      if (item) setCurrentKey(item.key);
    },
    [shown],
  );

  const act = useCallback(
    async (action: RulingAction) => {
      if (!current || saving) return;
      const rulings = rulingsFor(action, current, flaw);
      const advance = action !== 'clear';
      if (rulings.length > 0) {
        setSaving(true);
        setError(null);
        try {
          await onRule({ review: current.review.id, report: current.report, rulings });
        } catch (e) {
          setError((e as Error).message);
          setSaving(false);
          return;
        }
        setSaving(false);
      }
      if (advance) {
        // the next report; with "not yet ruled", the ruled one leaves the list and the next takes its place
        const next = filter.show === 'all' ? shown[index + 1] : shown.find((s, i) => i > index && s.key !== current.key);
        if (next) setCurrentKey(next.key);
        else if (filter.show !== 'all') setCurrentKey(null);
      }
    },
    [current, flaw, onRule, saving, filter.show, shown, index],
  );

  // keys, from the one table
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      const k = keyFor(e.key);
      if (!k) return;
      e.preventDefault();
      switch (k.action) {
        case 'next':
          go(index + 1);
          break;
        case 'previous':
          go(index - 1);
          break;
        case 'flaw': {
          const f = current?.task.flaws[Number(e.key) - 1];
          if (f) setFlaw(f.id);
          break;
        }
        case 'unruled':
          setFilter((x) => ({ ...x, show: x.show === 'unruled' ? 'all' : 'unruled' }));
          break;
        default:
          void act(k.action);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, index, current, act]);

  // the list scrolls itself (never the page) to keep the current report in view
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || index < 0) return;
    const top = index * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
  }, [index]);

  const detail = current ? details.get(current.task.id) : undefined;
  const marks: OutputMark[] = useMemo(() => {
    if (!current || !detail) return [];
    const out: OutputMark[] = [];
    const f = detail.flaws.find((x) => x.id === flaw);
    if (f?.range) out.push({ id: `flaw:${f.id}`, kind: 'flaw', range: f.range, title: `Ground-truth flaw ${f.id}: ${f.description}` });
    const t = reportText(current);
    if (current.report.kind === 'critique') {
      const c = detail.critiques.find((x) => x.id === current.report.id);
      if (c?.range) out.push({ id: 'report', kind: 'report', range: c.range, title: `${t.title}: ${t.text}` });
    } else {
      const a = current.review.added.find((x) => x.id === current.report.id);
      if (a?.anchor) out.push({ id: 'report', kind: 'report', range: rangeOfAnchor(a.anchor, detail), title: `${t.title}: ${t.text}` });
    }
    return out;
  }, [current, detail, flaw]);
  // a multi-file task shows one file: the report's, else the chosen flaw's, until another is opened
  const [openedFile, setOpenedFile] = useState<{ key: string; path: string } | null>(null);
  const markedFile = (marks.find((m) => m.kind === 'report') ?? marks[0])?.range.path ?? null;
  const filePath = current && openedFile?.key === `${current.key}:${flaw ?? ''}` ? openedFile.path : markedFile;
  const reportWhere = fileWhere(marks.find((m) => m.kind === 'report')?.range);

  const w = rowWindow(shown.length, ROW, scrollTop, viewport);
  const rows: React.ReactNode[] = [];
  for (let i = w.first; i < w.end; i++) rows.push(<ReportRow key={shown[i]!.key} item={shown[i]!} index={i} current={i === index} onPick={(n) => go(n)} />);

  if (items.length === 0) return <p className="muted matching-empty">No finished reviews with reports in this study yet: import results first.</p>;

  const t = current ? reportText(current) : null;
  const pct = progress.total ? Math.round((100 * progress.ruled) / progress.total) : 100;
  return (
    <div className="matching2">
      <div className="matching-bar">
        <span className="matching-progress" role="status" aria-live="polite">
          <progress aria-label="Reports ruled" max={Math.max(1, progress.total)} value={progress.ruled} />
          <strong>
            {progress.ruled.toLocaleString()} of {progress.total.toLocaleString()}
          </strong>{' '}
          reports ruled <span className="muted">({pct}%)</span>
        </span>
        <label className="small">
          Show{' '}
          <select aria-label="Show" value={filter.show} onChange={(e) => setFilter((f) => ({ ...f, show: e.target.value as ReportFilter['show'] }))} aria-keyshortcuts={shortcutsOf('unruled')}>
            <option value="all">All reports</option>
            <option value="unruled">Not yet ruled</option>
            <option value="unmatched">Matching no flaw</option>
          </select>
        </label>
        <label className="small">
          Evaluator{' '}
          <select aria-label="Evaluator" value={filter.evaluator} onChange={(e) => setFilter((f) => ({ ...f, evaluator: e.target.value }))}>
            <option value="">All</option>
            {evaluators.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label className="small">
          Condition{' '}
          <select aria-label="Condition" value={filter.condition} onChange={(e) => setFilter((f) => ({ ...f, condition: e.target.value }))}>
            <option value="">All</option>
            {conditions.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">{shown.length.toLocaleString()} shown</span>
      </div>
      {error && (
        <div role="alert" className="error-banner">
          {error}
        </div>
      )}
      <div className="matching-panes">
        <div className="matching-list">
          <div ref={list} className="report-list" role="listbox" aria-label="Reports" tabIndex={0} aria-activedescendant={index >= 0 ? `report-${index}` : undefined} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
            {shown.length === 0 ? (
              <p className="muted small report-list-empty">{filter.show === 'unruled' ? 'Every report here is ruled.' : 'No report matches the filters.'}</p>
            ) : (
              <div style={{ height: w.height, position: 'relative' }}>
                <div style={{ position: 'absolute', top: w.top, left: 0, right: 0 }}>{rows}</div>
              </div>
            )}
          </div>
          <dl className="matching-keys small" aria-label="Keys">
            {matchingKeys.map((k) => (
              <div key={k.action}>
                <dt>
                  <kbd>{k.shown}</kbd>
                </dt>
                <dd>{k.label}</dd>
              </div>
            ))}
          </dl>
        </div>
        {current && t ? (
          <>
            <section className="matching-output" aria-label="Output">
              <h2>
                {current.task.title || current.task.id} {current.task.title && <span className="mono muted small">{current.task.id}</span>}
              </h2>
              <p className="muted small legend">
                <span className="om-key flaw" />
                ground-truth flaw {flaw ?? '—'} <span className="om-key report" />
                the report
                {marks.length === 0 && detail ? ' · neither has an anchor in the output' : ''}
              </p>
              {detail?.files && detail.files.length > 0 ? (
                <ChangePreview
                  files={detail.files}
                  path={filePath}
                  language={detail.language}
                  marks={marks}
                  selected="report"
                  onOpen={(path) => setOpenedFile({ key: `${current.key}:${flaw ?? ''}`, path })}
                  onMarkClick={() => undefined}
                />
              ) : detail ? (
                <OutputView kind={detail.kind} output={detail.output} base={detail.base} language={detail.language} marks={marks} selected="report" label="Task output" />
              ) : (
                <div className="placeholder" aria-busy="true" />
              )}
            </section>
            <section className="matching-side" aria-label="Report and flaws">
              <div className="report-card" aria-label="Report">
                <div className="small muted">
                  {current.review.evaluator} · {current.review.condition} · review {current.review.id} · report {index + 1} of {shown.length}
                </div>
                <h3>{t.title}</h3>
                <p className="report-text">{t.text || <span className="muted">(no text)</span>}</p>
                {t.original !== null && (
                  <p className="report-original small">
                    <span className="muted">The model’s original: </span>
                    {t.original}
                  </p>
                )}
                {reportWhere && <div className="small mono muted file-where">{reportWhere.text}</div>}
                {t.quote && <blockquote className="quote">{t.quote}</blockquote>}
              </div>
              <h3>Ground-truth flaws ({current.task.flaws.length})</h3>
              {current.task.flaws.length === 0 && <p className="muted small">This task has no ground-truth flaws: there is nothing to match the report with.</p>}
              <ol className="gt-flaws">
                {current.task.flaws.map((f, i) => {
                  const m = current.matches.find((x) => x.flaw === f.id);
                  const state = m?.adjudication === 'match' ? 'you: match' : m?.adjudication === 'no-match' ? 'you: no match' : m?.auto ? 'automatic match' : '';
                  return (
                    <li key={f.id} className={`${f.id === flaw ? 'chosen' : ''} ${m?.counted ? 'counted' : ''}`}>
                      <button type="button" className="gt-flaw" aria-pressed={f.id === flaw} onClick={() => setFlaw(f.id)} aria-keyshortcuts={String(i + 1)}>
                        <kbd>{i + 1}</kbd> <span className="mono">{f.id}</span> {f.severity && <span className="badge">{f.severity}</span>} {f.category && <span className="badge">{f.category}</span>}{' '}
                        {f.description}
                      </button>
                      {fileWhere(f.anchor) && (
                        <button type="button" className="link small mono file-where" onClick={() => setOpenedFile({ key: `${current.key}:${flaw ?? ''}`, path: fileWhere(f.anchor)!.path })}>
                          {fileWhere(f.anchor)!.text}
                        </button>
                      )}
                      {f.quote && <blockquote className="quote">{f.quote}</blockquote>}
                      {state && <div className={`pair-state small ${m?.counted ? 'counted' : 'rejected'}`}>{m?.counted ? '✓' : '✗'} {state}</div>}
                    </li>
                  );
                })}
              </ol>
              <div className="rule-actions">
                <button type="button" className="primary" disabled={saving || !flaw} onClick={() => void act('match')} aria-keyshortcuts={shortcutsOf('match')}>
                  Match {flaw ?? ''} <kbd>m</kbd>
                </button>
                <button type="button" disabled={saving || current.task.flaws.length === 0} onClick={() => void act('no-match')} aria-keyshortcuts={shortcutsOf('no-match')}>
                  No match <kbd>n</kbd>
                </button>
                <button type="button" disabled={saving || !current.matches.some((m) => m.auto && m.adjudication === null)} onClick={() => void act('confirm')} aria-keyshortcuts={shortcutsOf('confirm')}>
                  Accept automatic <kbd>a</kbd>
                </button>
                <button type="button" disabled={saving || !current.ruled} onClick={() => void act('clear')} aria-keyshortcuts={shortcutsOf('clear')}>
                  Clear <kbd>c</kbd>
                </button>
                <button type="button" onClick={() => go(index + 1)} disabled={index >= shown.length - 1} aria-keyshortcuts={shortcutsOf('next')}>
                  Next <kbd>j</kbd>
                </button>
              </div>
            </section>
          </>
        ) : (
          <p className="muted matching-empty">{shown.length === 0 ? '' : 'Choose a report.'}</p>
        )}
      </div>
    </div>
  );
}
