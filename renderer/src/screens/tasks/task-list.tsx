import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import type { TaskSummary } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';
import { GenerateCritiques } from './generate-critiques.js';
import { ImportArea } from './import-area.js';
import { CriticsPanel } from './sweep-plot.js';
import { TaskPreview } from './task-preview.js';
import { Welcome } from './welcome.js';

interface Props {
  readonly info: OpOutput<'app:info'>;
  readonly onChanged: () => void;
}

const PAGE = 200;

/** The list of tasks in the database, with import (picker, drag and drop) and the first-start demo offer. */
export function TaskList({ info, onChanged }: Props): React.JSX.Element {
  const [items, setItems] = useState<readonly TaskSummary[] | null>(null);
  const [total, setTotal] = useState(info.taskCount);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // the critic's mount point: the Generate critiques… dialog (key g) and the critics panel
  const [generating, setGenerating] = useState(false);
  const [criticsVersion, setCriticsVersion] = useState(0);

  useEffect(() => {
    call('tasks:list', { offset: 0, limit: PAGE })
      .then((r) => {
        setItems(r.items);
        setTotal(r.total);
      })
      .catch((e: Error) => setError(e.message));
  }, [criticsVersion]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const el = e.target as HTMLElement | null;
      const typing = !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
      if (e.key === 'g' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing && !open && total > 0) {
        e.preventDefault();
        setGenerating(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, total]);

  const loadMore = (): void => {
    if (!items) return;
    setBusy(true);
    call('tasks:list', { offset: items.length, limit: PAGE })
      .then((r) => {
        setItems([...items, ...r.items]);
        setTotal(r.total);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (items === null) return <div className="placeholder" aria-busy="true" />;

  if (open) return <TaskPreview id={open} onClose={() => setOpen(null)} />;

  if (total === 0) return <Welcome info={info} onChanged={onChanged} />;

  return (
    <section aria-labelledby="tasks-title" className="task-list">
      <ImportArea
        onImported={onChanged}
        lead={
          <div className="task-list-toolbar">
            <h1 id="tasks-title">
              Tasks <span className="muted">({total})</span>
            </h1>
            <button type="button" onClick={() => setGenerating(true)} aria-keyshortcuts="g">
              Generate critiques…
            </button>
          </div>
        }
      >
        <CriticsPanel version={criticsVersion} />
        {generating && <GenerateCritiques onClose={() => setGenerating(false)} onChanged={() => setCriticsVersion((v) => v + 1)} />}
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Critiques
              </th>
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
                <td>{t.kind === 'code' ? `Code${t.hasBase ? ' diff' : ''}${t.language ? ` · ${t.language}` : ''}` : 'Summary'}</td>
                <td className="num">{t.critiqueCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length < total && (
          <div className="task-list-footer">
            <span className="muted small">
              Showing {items.length} of {total}
            </span>
            <button type="button" onClick={loadMore} disabled={busy}>
              Show {Math.min(PAGE, total - items.length)} more
            </button>
          </div>
        )}
      </ImportArea>
    </section>
  );
}
