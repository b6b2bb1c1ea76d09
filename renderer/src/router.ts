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

/** A parsed location: the place and the rest of the hash (e.g. a task or study id). */
export interface Location {
  readonly route: RouteId;
  readonly params: readonly string[];
}

function parse(hash: string): Location {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const route = routes.find((r) => r.id === parts[0])?.id ?? 'review';
  return { route, params: parts.slice(1) };
}

/** Navigates to a place (hash routing: works the same from app:// and http://). */
export function navigate(route: RouteId, ...params: string[]): void {
  window.location.hash = `#/${[route, ...params].map(encodeURIComponent).join('/')}`;
}

/** The current location, updated on navigation. */
export function useLocation(): Location {
  const [location, setLocation] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setLocation(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}
