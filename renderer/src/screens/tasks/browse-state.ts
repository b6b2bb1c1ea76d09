import { TaskHasSchema, TaskSortSchema, type TaskHas, type TaskQuery, type TaskSort } from '../../../../shared/contract/tasks.js';

/** The task browser's search and filters, as the URL holds them (`#/tasks/ID?q=…&kind=…`). */
export interface BrowseFilters {
  readonly q: string;
  readonly kind: 'summary' | 'code' | '';
  readonly has: readonly TaskHas[];
  /** A study name, `*any` (in a study) or `*none` (in no study), or '' for all tasks. */
  readonly study: string;
  readonly source: string;
  /** '' = the default: relevance with search text, else import order. */
  readonly sort: TaskSort | '';
}

/** No search, no filter. */
export const noFilters: BrowseFilters = { q: '', kind: '', has: [], study: '', source: '', sort: '' };

/** The filters a URL query names; unknown values are dropped (a hand-edited or old link still opens). */
export function filtersFromQuery(query: Readonly<Record<string, string>>): BrowseFilters {
  const has = (query['has'] ?? '')
    .split(',')
    .filter((h): h is TaskHas => TaskHasSchema.safeParse(h).success);
  const sort = TaskSortSchema.safeParse(query['sort']);
  const kind = query['kind'];
  return {
    q: (query['q'] ?? '').slice(0, 1000),
    kind: kind === 'summary' || kind === 'code' ? kind : '',
    has: [...new Set(has)],
    study: query['study'] ?? '',
    source: query['source'] ?? '',
    sort: sort.success ? sort.data : '',
  };
}

/** The URL query for filters (empty values left out, so a plain list has a plain URL). */
export function queryFromFilters(f: BrowseFilters): Record<string, string> {
  return { q: f.q, kind: f.kind, has: f.has.join(','), study: f.study, source: f.source, sort: f.sort };
}

/** The `tasks:search` input for filters and a page. */
export function searchInput(f: BrowseFilters, offset: number, limit: number): TaskQuery {
  return {
    q: f.q,
    ...(f.kind ? { kind: f.kind } : {}),
    has: [...f.has],
    ...(f.study === '*any' ? { inStudy: 'any' as const } : f.study === '*none' ? { inStudy: 'none' as const } : f.study ? { study: f.study } : {}),
    ...(f.source ? { source: f.source } : {}),
    ...(f.sort ? { sort: f.sort } : {}),
    offset,
    limit,
  };
}

/** True when any filter (not the sort) is set. */
export function isFiltered(f: BrowseFilters): boolean {
  return f.q.trim() !== '' || f.kind !== '' || f.has.length > 0 || f.study !== '' || f.source !== '';
}

/**
 * The tallest scrolling area the list makes. Browsers cap an element's height (Chromium at about
 * 33.5 million pixels); beyond this the list scrolls proportionally instead of row by row.
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** Which rows a virtual list shows for a scroll position, and where the first of them goes. */
export interface RowWindow {
  /** The height of the scrolling content. */
  readonly height: number;
  readonly first: number;
  /** One past the last row shown. */
  readonly end: number;
  /** Where row `first` is drawn, from the top of the content. */
  readonly top: number;
}

/**
 * The rows to render for a list of `total` rows of `rowHeight` pixels scrolled to `scrollTop` in a
 * viewport `viewport` pixels high, with `overscan` extra rows either side. Up to
 * {@link MAX_SCROLL_HEIGHT} the content is `total × rowHeight` high; beyond, the scroll position maps
 * proportionally onto the rows, so the last row is still reached at the bottom.
 */
export function rowWindow(total: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 6): RowWindow {
  const natural = total * rowHeight;
  const height = Math.min(natural, MAX_SCROLL_HEIGHT);
  const visibleRows = Math.ceil(viewport / rowHeight) + 1;
  const scrollable = Math.max(0, height - viewport);
  const top0 = Math.max(0, Math.min(scrollTop, scrollable));
  // the row at the top of the viewport
  const atTop = natural <= MAX_SCROLL_HEIGHT ? Math.floor(top0 / rowHeight) : Math.floor((top0 / Math.max(1, scrollable)) * Math.max(0, total - visibleRows + 1));
  const first = Math.max(0, Math.min(atTop, total) - overscan);
  const end = Math.min(total, atTop + visibleRows + overscan);
  // rows are drawn from where the viewport is, offset by the rows above it that are drawn too
  const offsetInRow = natural <= MAX_SCROLL_HEIGHT ? top0 - atTop * rowHeight : 0;
  const top = top0 - offsetInRow - (Math.min(atTop, total) - first) * rowHeight;
  return { height, first, end, top };
}

/** The scroll position that brings row `index` into view (none when it is visible already). */
export function scrollToRow(index: number, total: number, rowHeight: number, scrollTop: number, viewport: number): number | null {
  const natural = total * rowHeight;
  if (natural <= MAX_SCROLL_HEIGHT) {
    const top = index * rowHeight;
    if (top < scrollTop) return top;
    if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
    return null;
  }
  const w = rowWindow(total, rowHeight, scrollTop, viewport, 0);
  if (index >= w.first && index < w.end - 1) return null;
  const visibleRows = Math.ceil(viewport / rowHeight) + 1;
  const scrollable = Math.max(0, MAX_SCROLL_HEIGHT - viewport);
  const atTop = Math.max(0, Math.min(index - (index < w.first ? 0 : visibleRows - 2), total - visibleRows + 1));
  return (atTop / Math.max(1, total - visibleRows + 1)) * scrollable;
}
