import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CriticInfo } from '../../../../shared/contract/critic.js';
import type { TaskFacets, TaskPage, TaskRow, TaskDeleteResult } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';
import { navigateTo, type Location } from '../../router.js';
import { filtersFromQuery, isFiltered, queryFromFilters, searchInput, type BrowseFilters } from './browse-state.js';
import { GenerateCritiques } from './generate-critiques.js';
import { ImportArea } from './import-area.js';
import { CriticsPanel } from './sweep-plot.js';
import { TaskDetailPane } from './task-detail.js';
import { TaskRows } from './task-rows.js';

/** Rows fetched per request. */
const PAGE = 50;
/** How long typing pauses before the search runs. */
const TYPING_MS = 120;

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

interface Results {
  /** The filters these results are for (JSON of the search input without the page). */
  readonly key: string;
  readonly total: number;
  readonly sort: TaskPage['sort'];
  readonly unranked: boolean;
  readonly terms: readonly string[];
  readonly ignored: readonly string[];
  readonly pages: ReadonlyMap<number, readonly TaskRow[]>;
}

const sortLabels: Readonly<Record<TaskPage['sort'], string>> = {
  relevance: 'Best match',
  import: 'Import order',
  newest: 'Newest first',
  title: 'Title',
  id: 'Id',
  critiques: 'Most critiques',
  flaws: 'Most flaws',
};

interface Props {
  readonly location: Location;
  readonly total: number;
  readonly onChanged: () => void;
}

/**
 * The researcher's task browser (issue #12): search over title, id and text, filters, sort, a
 * virtualised list that stays fast at 100,000 tasks, and a full preview of the selected task. The
 * URL holds the search, the filters and the task shown (`#/tasks/ID?q=…`), so links and Back work.
 * The critic (issue #13) adds Generate critiques… (key g) to the toolbar and a Critics tab beside
 * the preview: the critics and the sweep plot of their operating points.
 */
export function TaskBrowser({ location, total, onChanged }: Props): React.JSX.Element {
  const filters = useMemo(() => filtersFromQuery(location.query), [location.query]);
  const selectedId = location.params[0] ?? null;
  const [text, setText] = useState(filters.q);
  const [facets, setFacets] = useState<TaskFacets | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reveal, setReveal] = useState<number | null>(null);
  const [cleanup, setCleanup] = useState<TaskDeleteResult | null>(null);
  const [version, setVersion] = useState(0);
  const [generating, setGenerating] = useState(false);
  const [critics, setCritics] = useState<readonly CriticInfo[]>([]);
  /** The tab chosen for the right pane; null: the task when one is chosen, else the critics if any. */
  const [tab, setTab] = useState<'task' | 'critics' | null>(null);
  const pane = tab ?? (!selectedId && critics.length > 0 ? 'critics' : 'task');
  const search = useRef<HTMLInputElement>(null);
  const selectedIndex = useRef<number>(-1);
  /** A row chosen by the keyboard whose page is still loading: selected when it arrives. */
  const pending = useRef<number | null>(null);
  const loading = useRef(new Set<string>());

  const key = JSON.stringify(searchInput(filters, 0, PAGE));

  const go = useCallback(
    (next: Partial<BrowseFilters>, id: string | null = selectedId, replace = true) => {
      navigateTo('tasks', id ? [id] : [], queryFromFilters({ ...filters, ...next }), { replace });
    },
    [filters, selectedId],
  );

  // the search box follows the URL (Back, a link), and the URL follows typing after a pause
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => go({ q: text }), TYPING_MS);
    return () => clearTimeout(timer);
  }, [text, filters.q, go]);

  useEffect(() => {
    call('tasks:facets', {})
      .then(setFacets)
      .catch((e: Error) => setError(e.message));
  }, [version]);

  useEffect(() => {
    call('critics:list', {})
      .then((r) => setCritics(r.items))
      .catch((e: Error) => setError(e.message));
  }, [version]);

  // choosing a task (click, j k, a link, Back) shows it
  useEffect(() => {
    if (selectedId) setTab(null);
  }, [selectedId]);

  // the filters of the newest request: answers for older ones are dropped
  const latestKey = useRef(key);
  latestKey.current = key;

  const loadPage = useCallback(
    (page: number, forKey: string, reset: boolean) => {
      const id = `${forKey}#${page}#${version}`;
      if (loading.current.has(id)) return;
      loading.current.add(id);
      const input = { ...(JSON.parse(forKey) as ReturnType<typeof searchInput>), offset: page * PAGE, limit: PAGE };
      call('tasks:search', input)
        .then((r) => {
          if (forKey !== latestKey.current) return;
          setError(null);
          setResults((prev) => {
            const same = !reset && prev !== null && prev.key === forKey;
            const pages = same ? new Map(prev.pages) : new Map<number, readonly TaskRow[]>();
            pages.set(page, r.items);
            return { key: forKey, total: r.total ?? (same ? prev.total : 0), sort: r.sort, unranked: r.unranked, terms: r.terms, ignored: r.ignored, pages };
          });
        })
        .catch((e: Error) => setError(e.message))
        .finally(() => loading.current.delete(id));
    },
    [version],
  );

  // new filters (or a change to the tasks): the first page, replacing the old results
  useEffect(() => {
    selectedIndex.current = -1;
    pending.current = null;
    loadPage(0, key, true);
  }, [key, loadPage]);

  const current = results && results.key === key ? results : null;
  const rowAt = useCallback((i: number): TaskRow | undefined => current?.pages.get(Math.floor(i / PAGE))?.[i % PAGE], [current]);
  const onNeed = useCallback(
    (first: number, end: number) => {
      if (!current) return;
      for (let p = Math.floor(first / PAGE); p <= Math.floor((end - 1) / PAGE); p++) if (!current.pages.has(p)) loadPage(p, current.key, false);
    },
    [current, loadPage],
  );

  const select = useCallback(
    (row: TaskRow, index: number) => {
      selectedIndex.current = index;
      // a new history entry per task: Back returns to the task seen before
      navigateTo('tasks', [row.id], queryFromFilters(filters));
    },
    [filters],
  );

  // keys: / search, j k ↓ ↑ move, Home End, g generate critiques, Escape leaves the search box
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || generating) return;
      if (e.key === 'Escape' && e.target === search.current) {
        search.current?.blur();
        return;
      }
      if (isTyping(e.target)) {
        if (e.target === search.current && (e.key === 'ArrowDown' || e.key === 'Enter') && current && current.total > 0) {
          e.preventDefault();
          search.current?.blur();
          const first = rowAt(0);
          if (first && selectedId !== first.id) select(first, 0);
          setReveal(0);
        }
        return;
      }
      if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
        search.current?.select();
        return;
      }
      if (e.key === 'g') {
        e.preventDefault();
        setGenerating(true);
        return;
      }
      if (!current || current.total === 0) return;
      const step = e.key === 'j' || e.key === 'ArrowDown' ? 1 : e.key === 'k' || e.key === 'ArrowUp' ? -1 : 0;
      let target: number | null = null;
      if (step !== 0) target = Math.max(0, Math.min(current.total - 1, selectedIndex.current < 0 ? 0 : selectedIndex.current + step));
      else if (e.key === 'Home') target = 0;
      else if (e.key === 'End') target = current.total - 1;
      if (target === null) return;
      e.preventDefault();
      setReveal(target);
      const row = rowAt(target);
      if (row) {
        pending.current = null;
        select(row, target);
      } else {
        pending.current = target; // its page is loading: selected when it arrives
        loadPage(Math.floor(target / PAGE), current.key, false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, rowAt, select, selectedId, loadPage, generating]);

  // a row chosen by the keyboard whose page was still loading
  useEffect(() => {
    const i = pending.current;
    if (i === null || !current) return;
    const row = rowAt(i);
    if (!row) return;
    pending.current = null;
    if (row.id !== selectedId) select(row, i);
  }, [current, rowAt, select, selectedId]);

  // keep the index of the selected row when it is on a loaded page (a deep link, Back)
  useEffect(() => {
    if (!current || !selectedId) return;
    if (rowAt(selectedIndex.current)?.id === selectedId) return;
    for (const [page, rows] of current.pages) {
      const at = rows.findIndex((r) => r.id === selectedId);
      if (at >= 0) {
        selectedIndex.current = page * PAGE + at;
        return;
      }
    }
  }, [current, selectedId, rowAt]);

  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    onChanged();
  }, [onChanged]);

  const cleanUp = (dryRun: boolean): void => {
    call('tasks:delete', { notInStudy: true, dryRun })
      .then((r) => {
        setCleanup(r);
        if (!dryRun) refresh();
      })
      .catch((e: Error) => setError(e.message));
  };

  const toggleHas = (h: BrowseFilters['has'][number]): void => go({ has: filters.has.includes(h) ? filters.has.filter((x) => x !== h) : [...filters.has, h] });
  const studies = facets?.studies ?? [];
  const matches = current?.total ?? null;

  return (
    <section className="task-browser" aria-labelledby="tasks-title">
      <ImportArea
        onImported={refresh}
        lead={
          <div className="browser-bar">
            <h1 id="tasks-title">
              Tasks <span className="muted">({total.toLocaleString()})</span>
            </h1>
            <input
              ref={search}
              type="search"
              className="browser-search"
              aria-label="Search tasks"
              aria-keyshortcuts="/"
              placeholder="Search title, id and text…  ( / )"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <label className="small">
              Sort{' '}
              <select aria-label="Sort" value={filters.sort || (filters.q.trim() ? 'relevance' : 'import')} onChange={(e) => go({ sort: e.target.value as BrowseFilters['sort'] })}>
                {(Object.keys(sortLabels) as TaskPage['sort'][]).map((s) => (
                  <option key={s} value={s} disabled={s === 'relevance' && !filters.q.trim()}>
                    {sortLabels[s]}
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
        extra={
          // Actions on the task list.
          <>
            <button type="button" onClick={() => setGenerating(true)} aria-keyshortcuts="g" title="Critiques from an OpenAI-compatible endpoint, stored on the tasks with their provenance">
              Generate critiques…
            </button>
            <button type="button" onClick={() => cleanUp(true)} title="Delete the tasks that are in no study and have no reviews">
              Delete tasks in no study…
            </button>
          </>
        }
      >
        <div className="browser-filters" role="group" aria-label="Filters">
          <label className="small">
            Kind{' '}
            <select aria-label="Kind" value={filters.kind} onChange={(e) => go({ kind: e.target.value as BrowseFilters['kind'] })}>
              <option value="">All</option>
              {(facets?.kinds ?? []).map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.kind === 'code' ? 'Code' : 'Summary'} ({k.count.toLocaleString()})
                </option>
              ))}
            </select>
          </label>
          {(
            [
              ['critiques', 'Has critiques'],
              ['flaws', 'Has flaws'],
              ['anchored-flaws', 'Has anchored flaws'],
            ] as const
          ).map(([h, label]) => (
            <label key={h} className="filter-chip small">
              <input type="checkbox" checked={filters.has.includes(h)} onChange={() => toggleHas(h)} /> {label}
            </label>
          ))}
          <label className="small">
            Study{' '}
            <select aria-label="Study" value={filters.study} onChange={(e) => go({ study: e.target.value })}>
              <option value="">Any or none</option>
              <option value="*any">In a study</option>
              <option value="*none">In no study</option>
              {studies.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name} ({s.tasks.toLocaleString()}){s.archived ? ', archived' : s.state === 'closed' ? ', closed' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="small">
            Source{' '}
            <select aria-label="Source" value={filters.source} onChange={(e) => go({ source: e.target.value })}>
              <option value="">Any</option>
              {(facets?.sources ?? []).map((s) => (
                <option key={s.source} value={s.source}>
                  {s.source} ({s.count.toLocaleString()})
                </option>
              ))}
              {filters.source && !(facets?.sources ?? []).some((s) => s.source === filters.source) && <option value={filters.source}>{filters.source}</option>}
            </select>
          </label>
          <span className="spacer" />
          <span className="muted small" role="status" aria-live="polite">
            {matches === null
              ? 'Searching…'
              : isFiltered(filters)
                ? `${matches.toLocaleString()} of ${total.toLocaleString()} tasks match`
                : `${matches.toLocaleString()} tasks`}
            {current?.unranked && ` · too many to rank by best match: in import order (add words to narrow)`}
            {current && current.ignored.length > 0 && ` · ignored: ${current.ignored.join(' ')}`}
          </span>
          {isFiltered(filters) && (
            <button type="button" className="link small" onClick={() => navigateTo('tasks', selectedId ? [selectedId] : [], {}, { replace: true })}>
              Clear filters
            </button>
          )}
        </div>
        {cleanup && (
          <div className={`browser-cleanup${cleanup.dryRun ? ' confirm' : ''}`} role={cleanup.dryRun ? 'alertdialog' : 'status'} aria-label="Delete tasks in no study">
            {cleanup.dryRun ? (
              <>
                <span>
                  {cleanup.deleted === 0
                    ? 'No task can be deleted: every task is in a study or has reviews.'
                    : `Delete ${cleanup.deleted.toLocaleString()} task${cleanup.deleted === 1 ? '' : 's'} in no study, with their critiques and flaws?`}
                  {cleanup.keptCount > 0 && ` ${cleanup.keptCount.toLocaleString()} in no study stay: ${cleanup.kept[0]!.id} ${cleanup.kept[0]!.reason}${cleanup.keptCount > 1 ? ', and others like it' : ''}.`}
                </span>
                {cleanup.deleted > 0 && (
                  <button type="button" className="danger small" onClick={() => cleanUp(false)}>
                    Delete {cleanup.deleted.toLocaleString()}
                  </button>
                )}
                <button type="button" className="small" autoFocus onClick={() => setCleanup(null)}>
                  {cleanup.deleted > 0 ? 'Cancel' : 'Close'}
                </button>
              </>
            ) : (
              <>
                <span>
                  Deleted {cleanup.deleted.toLocaleString()} task{cleanup.deleted === 1 ? '' : 's'}.
                  {cleanup.keptCount > 0 && ` Kept ${cleanup.keptCount.toLocaleString()} with reviews.`}
                </span>
                <button type="button" className="small" onClick={() => setCleanup(null)}>
                  Dismiss
                </button>
              </>
            )}
          </div>
        )}
        {error && (
          <div role="alert" className="error-banner">
            {error}
          </div>
        )}
        <div className="browser-panes">
          <div className="browser-list">
            {current && current.total === 0 ? (
              <p className="muted browser-empty">No task matches. {isFiltered(filters) ? 'Change the search or the filters.' : ''}</p>
            ) : (
              <TaskRows
                total={current?.total ?? 0}
                rowAt={rowAt}
                onNeed={onNeed}
                selectedId={selectedId}
                terms={current?.terms ?? []}
                onSelect={select}
                revealIndex={reveal}
                resetKey={key}
                label="Tasks"
              />
            )}
            <p className="browser-keys muted small">
              <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> next / previous · <kbd>i</kbd> import · <kbd>g</kbd> generate critiques
            </p>
          </div>
          <div className="browser-preview">
            <div className="preview-tabs" role="tablist" aria-label="Preview">
              <button type="button" role="tab" id="tab-task" aria-selected={pane === 'task'} aria-controls="pane-task" onClick={() => setTab('task')}>
                Task
              </button>
              <button type="button" role="tab" id="tab-critics" aria-selected={pane === 'critics'} aria-controls="pane-critics" onClick={() => setTab('critics')}>
                Critics{critics.length > 0 && <span className="muted"> ({critics.length})</span>}
              </button>
            </div>
            {pane === 'critics' ? (
              <div role="tabpanel" id="pane-critics" aria-labelledby="tab-critics">
                <CriticsPanel critics={critics} version={version} />
              </div>
            ) : (
              <div role="tabpanel" id="pane-task" aria-labelledby="tab-task">
                {selectedId ? (
                  <TaskDetailPane
                    key={`${selectedId}#${version}`}
                    id={selectedId}
                    terms={current?.terms ?? []}
                    onDeleted={() => {
                      navigateTo('tasks', [], queryFromFilters(filters), { replace: true });
                      refresh();
                    }}
                  />
                ) : (
                  <p className="muted browser-empty">Choose a task to see its output, critiques, flaws and meta.</p>
                )}
              </div>
            )}
          </div>
        </div>
      </ImportArea>
      {generating && (
        <GenerateCritiques
          onClose={() => setGenerating(false)}
          onChanged={() => {
            // critiques changed, not the tasks: reload the list, the preview and the critics here only
            // (the app's own reload would unmount this screen, and the dialog with its summary)
            setVersion((v) => v + 1);
            setTab('critics');
          }}
        />
      )}
    </section>
  );
}
