import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import type { TaskSummary } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';
import { TaskPreview } from './task-preview.js';

interface Props {
  readonly info: OpOutput<'app:info'>;
  readonly onChanged: () => void;
}

/** The list of tasks in the database, with the first-start offer to load the demo. */
export function TaskList({ info, onChanged }: Props): React.JSX.Element {
  const [items, setItems] = useState<readonly TaskSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    call('tasks:list', { offset: 0, limit: 200 })
      .then((r) => setItems(r.items))
      .catch((e: Error) => setError(e.message));
  }, []);

  const loadDemo = (): void => {
    setBusy(true);
    call('demo:load', {})
      .then(() => onChanged())
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (items === null) return <div className="placeholder" aria-busy="true" />;

  if (open) return <TaskPreview id={open} onClose={() => setOpen(null)} />;

  if (info.taskCount === 0) {
    return (
      <section className="empty-state" aria-labelledby="welcome-title">
        <h1 id="welcome-title">Welcome to Assay</h1>
        <p>
          This database is empty. Load the demo tasks — three summaries and a code diff, each with model
          critiques — to see how a review works, or import your own task package.
        </p>
        <button type="button" className="primary" onClick={loadDemo} disabled={busy}>
          {busy ? 'Loading…' : 'Load demo tasks'}
        </button>
        <p className="muted small">Database: {info.dbPath}</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="tasks-title" className="task-list">
      <h1 id="tasks-title">
        Tasks <span className="muted">({info.taskCount})</span>
      </h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">Critiques</th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id}>
              <td>
                <button type="button" className="link task-title" onClick={() => setOpen(t.id)}>
                  {t.title ?? t.id}
                </button>
                <div className="muted small mono">{t.id}</div>
              </td>
              <td>
                {t.kind === 'code' ? `Code${t.hasBase ? ' diff' : ''}${t.language ? ` · ${t.language}` : ''}` : 'Summary'}
              </td>
              <td className="num">{t.critiqueCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
