import { useEffect, useState } from 'react';

/** The app's top-level places, one per screen in the navigation bar. */
export const routes = [
  { id: 'review', label: 'Review', key: 'g r' },
  { id: 'tasks', label: 'Tasks', key: 'g t' },
  { id: 'studies', label: 'Studies', key: 'g s' },
  { id: 'analysis', label: 'Analysis', key: 'g a' },
] as const;

/** A top-level place. */
export type RouteId = (typeof routes)[number]['id'];

/**
 * A parsed location: the place, the rest of the path (e.g. a task or study id) and the query after
 * `?` (e.g. the task browser's search and filters): `#/tasks/bridge-1?q=corrosion&kind=code`.
 */
export interface Location {
  readonly route: RouteId;
  readonly params: readonly string[];
  readonly query: Readonly<Record<string, string>>;
}

/** Parses a location hash; exported for tests. */
export function parseHash(hash: string): Location {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const pathPart = q === -1 ? body : body.slice(0, q);
  const parts = pathPart.split('/').filter(Boolean).map(safeDecode);
  const route = routes.find((r) => r.id === parts[0])?.id ?? 'review';
  const query: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(body.slice(q + 1))) query[k] = v;
  return { route, params: parts.slice(1), query };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a hand-typed % that is not an escape: take it literally
  }
}

/** The hash for a location; parameters are percent-encoded, so `/` and `?` in an id stay part of it. */
export function hashOf(route: RouteId, params: readonly string[] = [], query: Readonly<Record<string, string>> = {}): string {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
  return `#/${[route, ...params].map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

const changed = 'assay:location';

/**
 * Goes to `hash` as a new history entry (Back returns). Through the History API rather than by
 * setting `location.hash`: a fragment navigation makes the browser look for an element the fragment
 * names — a walk over the whole document, which with the review's editors held ready is thousands of
 * nodes, every time the next item opens. Back and Forward still fire `hashchange`.
 */
function pushHash(hash: string): void {
  window.history.pushState(window.history.state, '', hash);
  window.dispatchEvent(new Event(changed));
}

/** Navigates to a place (hash routing: works the same from app:// and http://). */
export function navigate(route: RouteId, ...params: string[]): void {
  const hash = hashOf(route, params);
  if (hash !== window.location.hash) pushHash(hash);
}

/**
 * Navigates to a place with a query. `replace` changes the current history entry instead of adding
 * one (typing in a search box), so Back goes to the previous place or task, not the previous letter.
 */
export function navigateTo(route: RouteId, params: readonly string[], query: Readonly<Record<string, string>>, options: { readonly replace?: boolean } = {}): void {
  const hash = hashOf(route, params, query);
  if (hash === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, '', hash);
    window.dispatchEvent(new Event(changed)); // replaceState fires no hashchange
  } else pushHash(hash);
}

/** The current location, updated on navigation. */
export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    window.addEventListener(changed, onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener(changed, onChange);
    };
  }, []);
  return location;
}
