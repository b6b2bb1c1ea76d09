import { useCallback, useEffect, useState } from 'react';
import type { Profile } from '../../../../shared/contract/studies.js';
import { call } from '../../api/client.js';

/**
 * The evaluator profiles of this database, with their reviews and studies; a profile nothing refers
 * to (one created by mistake on the Review screen) can be removed, any other says why not.
 */
export function ProfilesSection({ version }: { readonly version: number }): React.JSX.Element | null {
  const [profiles, setProfiles] = useState<readonly Profile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    call('profiles:list', {})
      .then(setProfiles)
      .catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load, version]);

  if (!profiles || profiles.length === 0) return null;

  const remove = (id: string): void => {
    setError(null);
    call('profiles:remove', { id })
      .then((r) => {
        setConfirm(null);
        setNotice(`Removed the profile ${r.id}.`);
        load();
      })
      .catch((e: Error) => setError(e.message));
  };

  return (
    <section aria-labelledby="profiles-title" className="studies-section">
      <h2 id="profiles-title">Evaluator profiles</h2>
      {error && (
        <div role="alert" className="error-banner">
          {error}
        </div>
      )}
      {notice && (
        <div role="status" className="notice">
          {notice}
        </div>
      )}
      <table className="studies-table">
        <thead>
          <tr>
            <th scope="col">Profile</th>
            <th scope="col" className="num">
              Reviews
            </th>
            <th scope="col">Studies</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.id}>
              <td>
                {p.displayName} {p.displayName !== p.id && <span className="muted mono small">{p.id}</span>}
              </td>
              <td className="num">{p.reviews}</td>
              <td className="small">{p.studies.length ? p.studies.join(', ') : <span className="muted">none</span>}</td>
              <td className="actions">
                {confirm === p.id ? (
                  <span className="inline-confirm" role="alertdialog" aria-label={`Remove ${p.id}?`}>
                    Remove {p.id}?{' '}
                    <button type="button" className="danger small" onClick={() => remove(p.id)}>
                      Remove
                    </button>
                    <button type="button" className="small" autoFocus onClick={() => setConfirm(null)}>
                      Cancel
                    </button>
                  </span>
                ) : p.removable.ok ? (
                  <button type="button" className="small" onClick={() => setConfirm(p.id)} aria-label={`Remove profile ${p.id}…`}>
                    Remove…
                  </button>
                ) : (
                  <span className="muted small" title={p.removable.reason ?? undefined}>
                    kept: {p.removable.reason?.replace(/^"[^"]*" /, '')}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
