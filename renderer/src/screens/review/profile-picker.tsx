import { useEffect, useState } from 'react';
import type { Evaluator } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';

/** Who is reviewing: a local profile to choose, or a new one (opening a pack creates its evaluator's). */
export function ProfilePicker({ onChoose }: { readonly onChoose: (id: string) => void }): React.JSX.Element {
  const [profiles, setProfiles] = useState<readonly Evaluator[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('evaluators:list', {})
      .then((r) => setProfiles(r.items))
      .catch((e: Error) => setError(e.message));
  }, []);
  const create = (e: React.FormEvent): void => {
    e.preventDefault();
    call('evaluators:create', { displayName: name })
      .then((p) => onChoose(p.id))
      .catch((err: Error) => setError(err.message));
  };
  return (
    <section className="profile-picker" aria-labelledby="who-title">
      <h1 id="who-title">Who is reviewing?</h1>
      <p className="muted">Your reviews are saved on this computer under your profile. If a researcher sent you a pack, its profile is already here.</p>
      {profiles && profiles.length > 0 && (
        <ul className="profile-list">
          {profiles.map((p) => (
            <li key={p.id}>
              <button type="button" onClick={() => onChoose(p.id)}>
                {p.displayName}
              </button>
              <span className="muted small mono">{p.id}</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={create} className="new-profile">
        <label className="field">
          <span>{profiles && profiles.length > 0 ? 'Or create a new profile' : 'Create your profile'}</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="Your name or evaluator code" />
        </label>
        <button type="submit" className="primary" disabled={!name.trim()}>
          Create profile
        </button>
      </form>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
