import { useCallback, useState } from 'react';

const storageKey = 'assay.evaluator';

/** The evaluator profile this window works as (remembered per browser profile / desktop install). */
export function useEvaluatorChoice(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState<string | null>(() => {
    try {
      return window.localStorage.getItem(storageKey);
    } catch {
      return null;
    }
  });
  const choose = useCallback((next: string | null) => {
    try {
      if (next === null) window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, next);
    } catch {
      // storage unavailable: the choice lasts for this window only
    }
    setId(next);
  }, []);
  return [id, choose];
}
