import { useSyncExternalStore } from 'react';

// One query for the whole app: creating a MediaQueryList on every mount cost the review workspace
// over a millisecond each time the next item opened.
let query: MediaQueryList | null = null;
const darkQuery = (): MediaQueryList => (query ??= window.matchMedia('(prefers-color-scheme: dark)'));

function subscribe(onChange: () => void): () => void {
  const m = darkQuery();
  m.addEventListener('change', onChange);
  return () => m.removeEventListener('change', onChange);
}

/** True while the system prefers a dark colour scheme. */
export function useDarkMode(): boolean {
  return useSyncExternalStore(subscribe, () => darkQuery().matches);
}
