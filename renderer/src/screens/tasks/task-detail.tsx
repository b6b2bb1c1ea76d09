import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TaskDetail } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';
import { OutputView, type OutputMark } from '../../components/output-view.js';
import { ChunkedText } from '../review/chunked-text.js';
import { ChangePreview } from './change-preview.js';
import { CritiqueProvenanceNote, useCritiqueProvenance } from './critique-provenance.js';
import { Highlighted, kindLabel } from './task-rows.js';
import { plural } from '../../../../shared/plural.js';


/** How an anchor reads: a quote of the output, or a line range (in a multi-file task, of which file). */
function where(range: TaskDetail['flaws'][number]['range'], task: Pick<TaskDetail, 'output' | 'base' | 'files'>): string {
  if (!range) return task.files ? 'the whole change' : 'the whole output';
  const file = range.path !== null ? task.files?.find((f) => f.path === range.path) : undefined;
  const text = file ? (range.side === 'base' ? (file.base ?? '') : file.output) : range.side === 'base' ? (task.base ?? '') : task.output;
  const lines = range.lines[0] === range.lines[1] ? `line ${range.lines[0]}` : `lines ${range.lines[0]}–${range.lines[1]}`;
  const quote = text.slice(range.start16, range.end16).replace(/\s+/g, ' ').trim();
  const short = quote.length > 90 ? `${quote.slice(0, 87)}…` : quote;
  return `${file ? `${file.path}, ` : ''}${range.side === 'base' ? 'old ' : ''}${lines}${short ? `: “${short}”` : ''}`;
}

function validity(v: boolean | null): { text: string; className: string } {
  if (v === true) return { text: 'valid', className: 'valid' };
  if (v === false) return { text: 'decoy', className: 'decoy' };
  return { text: '—', className: 'unknown' };
}

interface Props {
  readonly id: string;
  readonly terms: readonly string[];
  /** The task was deleted (from here): the list reloads. */
  readonly onDeleted: (id: string) => void;
}

/**
 * The researcher's preview of one task: the output with flaws and critiques highlighted, the
 * critiques with score, validity, model and — for those a critic wrote — their provenance, the flaws
 * with their anchors, the context, `meta`, the studies it is in and whether it can still change or
 * be deleted. Everything is rendered as text.
 */
export function TaskDetailPane({ id, terms, onDeleted }: Props): React.JSX.Element {
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // a multi-file task: the file shown (null: the first)
  const [path, setPath] = useState<string | null>(null);
  const provenance = useCritiqueProvenance(id);

  useEffect(() => {
    let live = true;
    setTask(null);
    setError(null);
    setSelected(null);
    setConfirmDelete(false);
    setPath(null);
    call('tasks:detail', { id })
      .then((t) => live && setTask(t))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [id]);

  const marks: OutputMark[] = useMemo(() => {
    if (!task) return [];
    return [
      ...task.critiques.filter((c) => c.range).map((c) => ({ id: `critique:${c.id}`, kind: 'critique' as const, range: c.range!, title: `Critique ${c.id}: ${c.text}` })),
      ...task.flaws.filter((f) => f.range).map((f) => ({ id: `flaw:${f.id}`, kind: 'flaw' as const, range: f.range!, title: `Flaw ${f.id}: ${f.description}` })),
    ];
  }, [task]);

  // A flaw or critique picked in a list opens its file too.
  const select = useCallback(
    (id: string | null) => {
      setSelected(id);
      const range = marks.find((m) => m.id === id)?.range;
      if (range?.path) setPath(range.path);
    },
    [marks],
  );

  if (error) {
    return (
      <section className="task-detail" aria-label="Task preview">
        <div role="alert" className="error-banner">
          {error}
        </div>
      </section>
    );
  }
  if (!task) return <section className="task-detail" aria-label="Task preview" aria-busy="true" />;

  const remove = (): void => {
    call('tasks:delete', { ids: [task.id] })
      .then((r) => {
        if (r.deleted === 1) onDeleted(task.id);
        else setError(r.kept[0]?.reason ?? 'The task was not deleted.');
      })
      .catch((e: Error) => setError(e.message));
  };

  const meta = task.meta === null || task.meta === undefined ? null : JSON.stringify(task.meta, null, 2);
  const context = task.context;
  return (
    <section className="task-detail" aria-label={`Task ${task.title ?? task.id}`}>
      <header className="task-detail-head">
        <h2>
          {task.title ? <Highlighted text={task.title} terms={terms} /> : <span className="mono">{task.id}</span>}
        </h2>
        <div className="task-detail-facts small">
          {task.title && <span className="mono">{task.id}</span>}
          <span>{kindLabel({ kind: task.kind, hasBase: task.base !== null, language: task.language, files: task.files?.length ?? null })}</span>
          {task.source && <span>source: {task.source}</span>}
          <span>imported {new Date(task.importedAt).toLocaleString()}</span>
          <span>{plural(task.reviews, 'review')}</span>
          {task.studies.map((s) => (
            <span key={s.name} className="study-tag">
              {s.name}
              {s.state === 'closed' ? ' (closed)' : ''}
            </span>
          ))}
          <span className="spacer" />
          <button
            type="button"
            className="small"
            onClick={() => setConfirmDelete(true)}
            disabled={!task.deletable.ok}
            title={task.deletable.ok ? 'Delete this task' : `Cannot be deleted: ${task.deletable.reason}`}
          >
            Delete task…
          </button>
        </div>
        {task.frozen && <p className="task-detail-note small">Frozen: {task.frozen}</p>}
        {!task.deletable.ok && <p className="task-detail-note small muted">Cannot be deleted: {task.deletable.reason}.</p>}
        {confirmDelete && (
          <div className="confirm-delete" role="alertdialog" aria-label={`Delete ${task.id}?`}>
            <span>
              Delete <span className="mono">{task.id}</span> with its {plural(task.critiques.length, 'critique')} and {plural(task.flaws.length, 'flaw')}? It is in no study and has no
              reviews; importing its package again brings it back.
            </span>
            <button type="button" className="danger small" onClick={remove}>
              Delete
            </button>
            <button type="button" className="small" autoFocus onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        )}
      </header>

      <div className="task-detail-body">
        <section className="task-detail-output" aria-labelledby="detail-output-title">
          <h3 id="detail-output-title">
            {task.files ? `Change · ${plural(task.files.length, 'file')}` : 'Output'}{' '}
            <span className="muted small">
              <span className="om-key flaw" />
              flaws <span className="om-key critique" />
              critiques
            </span>
          </h3>
          {task.files && task.files.length > 0 ? (
            <ChangePreview files={task.files} path={path} language={task.language} marks={marks} selected={selected} onOpen={setPath} onMarkClick={setSelected} />
          ) : (
            <OutputView
              kind={task.kind}
              output={task.output}
              base={task.base}
              language={task.language}
              marks={marks}
              selected={selected}
              onMarkClick={setSelected}
              label="Output"
            />
          )}
        </section>

        <section aria-labelledby="detail-flaws-title">
          <h3 id="detail-flaws-title">Ground-truth flaws ({task.flaws.length})</h3>
          {task.flaws.length === 0 ? (
            <p className="muted small">None.</p>
          ) : (
            <ul className="detail-list">
              {task.flaws.map((f) => (
                <li key={f.id} className={selected === `flaw:${f.id}` ? 'selected' : undefined}>
                  <button type="button" className="link" onClick={() => select(`flaw:${f.id}`)} disabled={!f.range} title={f.range ? 'Show in the output' : 'No anchor'}>
                    <span className="mono">{f.id}</span>
                  </button>{' '}
                  {f.severity && <span className="badge">{f.severity}</span>} {f.category && <span className="badge">{f.category}</span>}{' '}
                  <span className="detail-text">{f.description}</span>
                  <div className="muted small">
                    {f.range ? where(f.range, task) : f.anchor ? 'anchor does not resolve' : 'no anchor'}
                    {f.critiques.length > 0 && ` · pointed out by ${f.critiques.join(', ')}`}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="detail-critiques-title">
          <h3 id="detail-critiques-title">
            Critiques ({task.critiques.length}){provenance.byId.size > 0 && <span className="muted small">{plural(provenance.byId.size, 'written by a critic', 'written by critics')}</span>}
          </h3>
          {provenance.error && (
            <p role="alert" className="critic-error">
              {provenance.error}
            </p>
          )}
          {task.critiques.length === 0 ? (
            <p className="muted small">None.</p>
          ) : (
            <table className="detail-table" aria-labelledby="detail-critiques-title">
              <thead>
                <tr>
                  <th scope="col">Critique</th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  <th scope="col">Validity</th>
                  <th scope="col">Model</th>
                </tr>
              </thead>
              <tbody>
                {task.critiques.map((c) => {
                  const v = validity(c.valid);
                  const generated = provenance.byId.get(c.id);
                  return (
                    <tr key={c.id} className={selected === `critique:${c.id}` ? 'selected' : undefined}>
                      <td>
                        <button type="button" className="link" onClick={() => select(`critique:${c.id}`)} disabled={!c.range} title={c.range ? 'Show in the output' : 'No anchor'}>
                          <span className="mono">{c.id}</span>
                        </button>{' '}
                        {c.severity && <span className="badge">{c.severity}</span>} {c.category && <span className="badge">{c.category}</span>}{' '}
                        <span className="detail-text">{c.text || <span className="muted">(empty)</span>}</span>
                        {/* a hallucinated anchor: the note below says what the model claimed */}
                        {!generated?.hallucinated && <div className="muted small">{c.range ? where(c.range, task) : c.anchor ? 'anchor does not resolve' : 'no anchor'}</div>}
                        {generated && <CritiqueProvenanceNote item={generated} />}
                      </td>
                      <td className="num">{c.score === null ? '—' : c.score.toFixed(3)}</td>
                      <td>
                        <span className={`validity ${v.className}`}>{v.text}</span>
                      </td>
                      <td className="mono small model" title={c.model ?? undefined}>{c.model ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby="detail-context-title">
          <h3 id="detail-context-title">Context</h3>
          {!context && <p className="muted small">None.</p>}
          {context?.query && <p className="query">{context.query}</p>}
          {context?.problem && <p className="detail-text">{context.problem}</p>}
          {context?.sections && (
            <ol className="detail-sections small">
              {context.sections.map((s, i) => (
                <li key={i}>
                  <strong>{s.title}</strong>
                  {s.summary && <span className="muted"> — {s.summary}</span>}
                </li>
              ))}
            </ol>
          )}
          {context?.document !== undefined && (
            <details className="detail-document">
              <summary>Source document ({context.document.length.toLocaleString()} characters)</summary>
              <ChunkedText text={context.document} marks={[]} label="Source document" />
            </details>
          )}
        </section>

        <section aria-labelledby="detail-meta-title">
          <h3 id="detail-meta-title">Meta</h3>
          {meta === null ? <p className="muted small">None.</p> : <pre className="detail-meta small">{meta}</pre>}
        </section>
      </div>
    </section>
  );
}
