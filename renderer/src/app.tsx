import { useCallback, useEffect, useState } from 'react';
import type { OpOutput } from '../../shared/contract/index.js';
import { call } from './api/client.js';
import { TaskList } from './screens/task-list.js';

type Info = OpOutput<'app:info'>;

/** The application frame: header, status and the current screen. */
export function App(): React.JSX.Element {
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);

  const refresh = useCallback(() => {
    call('app:info', {})
      .then((i) => {
        setInfo(i);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
    setRevision((r) => r + 1);
  }, []);

  useEffect(refresh, [refresh]);

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Assay</span>
        <span className="muted">AI-assisted critique review</span>
        <span className="spacer" />
        {info && (
          <span className="muted small" title={info.dbPath}>
            {info.host === 'browser' ? 'Browser mode' : 'Desktop'} · v{info.version}
          </span>
        )}
      </header>
      <main className="app-main">
        {error && (
          <div role="alert" className="error-banner">
            {error}
          </div>
        )}
        {info && <TaskList key={revision} info={info} onChanged={refresh} />}
      </main>
    </div>
  );
}
