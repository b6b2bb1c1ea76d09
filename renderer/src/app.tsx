import { useCallback, useEffect, useState } from 'react';
import type { OpOutput } from '../../shared/contract/index.js';
import { call } from './api/client.js';
import { navigate, routes, useLocation } from './router.js';
import { AnalysisScreen } from './screens/analysis/index.js';
import { ReviewScreen } from './screens/review/index.js';
import { installUnloadReminder, refreshPacks } from './screens/review/results-state.js';
import { StudiesScreen } from './screens/studies/index.js';
import { TaskList } from './screens/tasks/task-list.js';

type Info = OpOutput<'app:info'>;

/** The application frame: header with navigation, and the current screen. */
export function App(): React.JSX.Element {
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const location = useLocation();

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
  useEffect(() => {
    void refreshPacks().catch(() => undefined);
  }, []);
  // Browser mode: leaving with finished reviews not yet exported asks first. (Not in the desktop
  // app, where a page that objects to unloading silently keeps the window open: its shell asks.)
  const host = info?.host;
  useEffect(() => (host === 'browser' ? installUnloadReminder() : undefined), [host]);

  // An empty database starts on the welcome (the task screen's empty state): open a pack, or import tasks.
  const route = info && info.taskCount === 0 && location.route === 'review' ? 'tasks' : location.route;

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Assay</span>
        <nav aria-label="Main" className="main-nav">
          {routes.map((r) => (
            <a
              key={r.id}
              href={`#/${r.id}`}
              aria-current={route === r.id ? 'page' : undefined}
              className={route === r.id ? 'active' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(r.id);
              }}
            >
              {r.label}
            </a>
          ))}
        </nav>
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
        {info && route === 'tasks' && <TaskList key={revision} info={info} location={location} onChanged={refresh} />}
        {info && route === 'review' && <ReviewScreen location={location} />}
        {info && route === 'studies' && <StudiesScreen location={location} onChanged={refresh} />}
        {info && route === 'analysis' && <AnalysisScreen location={location} />}
      </main>
    </div>
  );
}
