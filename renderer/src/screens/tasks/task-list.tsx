import { useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import { call } from '../../api/client.js';
import type { Location } from '../../router.js';
import { ImportArea } from './import-area.js';
import { TaskBrowser } from './task-browser.js';

interface Props {
  readonly info: OpOutput<'app:info'>;
  readonly location: Location;
  readonly onChanged: () => void;
}

/** The Tasks place: the first-start welcome (import, demo) on an empty database, else the task browser. */
export function TaskList({ info, location, onChanged }: Props): React.JSX.Element {
  const total = info.taskCount;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadDemo = (): void => {
    setBusy(true);
    call('demo:load', {})
      .then(() => onChanged())
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  if (error) return <div role="alert" className="error-banner">{error}</div>;

  if (total === 0) {
    return (
      <section className="empty-state" aria-labelledby="welcome-title">
        <ImportArea
          onImported={onChanged}
          extra={
            <button type="button" onClick={loadDemo} disabled={busy}>
              {busy ? 'Loading…' : 'Load demo tasks'}
            </button>
          }
          lead={
            <>
              <h1 id="welcome-title">Welcome to Assay</h1>
              <p>
                This database is empty. Import a task package — JSON Lines, one task per line (see docs/task-format.md) —
                or load the demo tasks (three summaries and a code diff, each with model critiques) to see how a review
                works.
              </p>
            </>
          }
        >
          <p className="muted small">Database: {info.dbPath}</p>
        </ImportArea>
      </section>
    );
  }

  return <TaskBrowser location={location} total={total} onChanged={onChanged} />;
}
