import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResultsFileReport, StudyDetail } from '../../../../shared/contract/studies.js';
import { describeSettings } from '../../../../shared/study/settings.js';
import { call } from '../../api/client.js';
import { navigate } from '../../router.js';
import type { StudyCheck } from '../../../../shared/study/check.js';
import { downloadText, readFiles } from './files.js';
import { estimateText, HazardList } from './hazards.js';
import { ImportReports } from './import-reports.js';
import { Progress } from './progress.js';
import { useKeys } from './use-keys.js';
import { plural } from '../../../../shared/plural.js';

const statusGlyph = { new: '', open: '◐', submitted: '✓', skipped: '–' } as const;
const matrixPage = 300;


/**
 * The study check stored at creation: hazards with counts and what to do, the power estimate, and
 * whether the study was created anyway. Studies from before checks existed can be checked now.
 */
function StoredCheck({ study }: { readonly study: StudyDetail }): React.JSX.Element {
  const [now, setNow] = useState<StudyCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const stored = study.check;
  const check = stored?.check ?? now;

  const checkNow = (): void => {
    setBusy(true);
    setError(null);
    call('studies:check', { conditions: study.conditions, evaluators: study.evaluators.length, overlap: study.overlap, tasks: study.tasks.map((t) => t.id) })
      .then(setNow)
      .catch((e: Error) => setError(`The check could not run: ${e.message}`))
      .finally(() => setBusy(false));
  };

  const errors = check?.hazards.filter((h) => h.severity === 'error').length ?? 0;
  const warnings = (check?.hazards.length ?? 0) - errors;
  return (
    <section aria-labelledby="check-title" className="studies-section study-check stored" aria-busy={busy}>
      <h2 id="check-title">Study check</h2>
      {stored ? (
        <p className="small">
          Checked when the study was created ({new Date(stored.createdAt).toLocaleString()}) over {plural(check!.tasks, 'task')} and {plural(check!.flaws, 'ground-truth flaw')}:{' '}
          {check!.hazards.length === 0 ? 'no hazards found.' : `${plural(errors, 'refusal')} and ${plural(warnings, 'warning')}.`}
        </p>
      ) : (
        <p className="small">
          {now ? `Checked now (not stored) over ${plural(now.tasks, 'task')} and ${plural(now.flaws, 'ground-truth flaw')}: ${now.hazards.length === 0 ? 'no hazards found.' : `${plural(errors, 'refusal')} and ${plural(warnings, 'warning')}.`}` : 'This study was created before Assay checked designs, so no check is stored with it.'}{' '}
          {!now && (
            <button type="button" onClick={checkNow} disabled={busy}>
              Check the design now
            </button>
          )}
        </p>
      )}
      {error && <p className="form-check bad">{error}</p>}
      {stored?.forced && (
        <p className="check-forced" role="note">
          Created anyway: the check refused this design (“Create anyway” or <code>--force</code>). Figures that rest on what it refused will be null or misleading.
        </p>
      )}
      {check && (
        <>
          <p className="study-estimate small">{estimateText(check.estimate)}</p>
          {check.hazards.length > 0 && <HazardList hazards={check.hazards} />}
        </>
      )}
    </section>
  );
}

/** One study: its settings, its stored check, progress per evaluator (with their packs) and the assignment matrix. */
export function StudyDetailView({ name }: { readonly name: string }): React.JSX.Element {
  const [study, setStudy] = useState<StudyDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reports, setReports] = useState<readonly ResultsFileReport[] | null>(null);
  const [rows, setRows] = useState(matrixPage);
  const [confirmClose, setConfirmClose] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const resultsInput = useRef<HTMLInputElement>(null);
  const cancelClose = useRef<HTMLButtonElement>(null);

  const load = useCallback(() => {
    call('studies:get', { name })
      .then(setStudy)
      .catch((e: Error) => setError(e.message));
  }, [name]);
  useEffect(load, [load]);
  const isOpen = study?.state === 'open';
  useKeys({
    i: () => {
      if (isOpen) resultsInput.current?.click();
    },
    c: () => {
      if (isOpen) setConfirmClose(true);
    },
    Escape: () => (confirmClose ? setConfirmClose(false) : confirmDelete ? setConfirmDelete(false) : navigate('studies')),
  });
  // The confirmation opens on Cancel: closing is final, so it never happens by a stray Enter.
  useEffect(() => {
    if (confirmClose) cancelClose.current?.focus();
  }, [confirmClose]);

  // One pass over the assignment (it can hold hundreds of thousands of items): matrix cells and
  // done/total per evaluator and per evaluator × condition ('' = all conditions).
  const { cells, tally } = useMemo(() => {
    const cells = new Map<string, StudyDetail['assignments'][number]>();
    const tally = new Map<string, { done: number; total: number }>();
    const bump = (key: string, done: boolean): void => {
      const t = tally.get(key) ?? { done: 0, total: 0 };
      t.total++;
      if (done) t.done++;
      tally.set(key, t);
    };
    for (const a of study?.assignments ?? []) {
      cells.set(`${a.task}\u0000${a.evaluator}`, a);
      const done = a.status === 'submitted' || a.status === 'skipped';
      bump(`${a.evaluator}\u0000`, done);
      bump(`${a.evaluator}\u0000${a.condition}`, done);
    }
    return { cells, tally };
  }, [study]);
  const count = (evaluator: string, condition = ''): { done: number; total: number } => tally.get(`${evaluator}\u0000${condition}`) ?? { done: 0, total: 0 };

  if (error && !study)
    return (
      <section className="studies">
        <div role="alert" className="error-banner">
          {error}
        </div>
        <button type="button" onClick={() => navigate('studies')}>
          Back to studies
        </button>
      </section>
    );
  if (!study) return <div className="placeholder" aria-busy="true" />;

  const conditionIndex = new Map(study.conditions.map((c, i) => [c.name, i]));

  const exportPack = async (evaluator: string): Promise<void> => {
    setError(null);
    try {
      const r = await call('packs:export', { study: study.name, evaluator });
      downloadText(r.fileName, r.content);
      setNotice(`Wrote ${r.fileName}: give it to ${evaluator}, who opens it with “Open pack…” in their own Assay.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const importResults = async (list: FileList | null): Promise<void> => {
    setError(null);
    try {
      const files = await readFiles(list);
      if (files.length === 0) return;
      setReports(await call('results:import', { files, study: study.name }));
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const done = study.evaluators.reduce((n, e) => n + count(e.id).done, 0);
  const unfinished = study.assignments.filter((a) => a.status === 'open').length;

  const closeStudy = async (): Promise<void> => {
    setError(null);
    try {
      setStudy(await call('studies:close', { name: study.name }));
      setConfirmClose(false);
      setNotice(`Study ${study.name} is closed: it takes no new reviews, results or packs.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const closedNote = 'The study is closed: it takes no new reviews, results or packs.';

  const archive = async (archived: boolean): Promise<void> => {
    setError(null);
    try {
      setStudy(await call('studies:archive', { name: study.name, archived }));
      setNotice(archived ? `Study ${study.name} is archived: hidden from the list of studies (Show archived studies brings it back), everything kept.` : `Study ${study.name} is back in the list.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const deleteStudy = async (): Promise<void> => {
    setError(null);
    try {
      await call('studies:delete', { name: study.name });
      navigate('studies');
    } catch (e) {
      setConfirmDelete(false);
      setError((e as Error).message);
    }
  };

  return (
    <section className="studies" aria-labelledby="study-title">
      <div className="studies-bar">
        <button type="button" className="link" onClick={() => navigate('studies')} aria-keyshortcuts="Escape" title="Back to studies (Esc)">
          ← Studies
        </button>
        <h1 id="study-title">{study.name}</h1>
        <span className={`study-state ${study.state}`} title={study.state === 'closed' ? closedNote : 'The study takes reviews and results.'}>
          {study.state === 'closed' ? 'Closed' : 'Open'}
        </span>
        <Progress done={done} total={study.assignments.length} label={`Progress of ${study.name}`} />
        <span className="spacer" />
        <button
          type="button"
          onClick={() => resultsInput.current?.click()}
          aria-keyshortcuts="i"
          title={isOpen ? 'Import results (i)' : closedNote}
          disabled={!isOpen}
        >
          Import results…
        </button>
        {isOpen && (
          <button type="button" onClick={() => setConfirmClose(true)} aria-keyshortcuts="c" title="Close the study (c)">
            Close study…
          </button>
        )}
        {!isOpen && (
          <button type="button" onClick={() => void archive(study.archivedAt === null)} title={study.archivedAt === null ? 'Hide the study from the list; everything is kept' : 'Show the study in the list again'}>
            {study.archivedAt === null ? 'Archive' : 'Unarchive'}
          </button>
        )}
        <button
          type="button"
          onClick={() => setConfirmDelete(true)}
          disabled={!study.deletable.ok}
          title={study.deletable.ok ? 'Delete this study: it never showed anything' : `Cannot be deleted: ${study.deletable.reason}`}
        >
          Delete study…
        </button>
        <input
          ref={resultsInput}
          type="file"
          accept=".json,.jsonl,application/json"
          multiple
          hidden
          aria-label="Results files"
          onChange={(e) => {
            void importResults(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </div>
      <p className="study-meta small">
        <span>seed {study.seed}</span>
        <span>overlap {study.overlap}</span>
        <span>{plural(study.tasks.length, 'task')}</span>
        <span>{plural(study.evaluators.length, 'evaluator')}</span>
        <span>{study.reviewHere ? 'reviewed on this computer (Review place)' : `reviewed from packs${study.researcher ? ` · results go to ${study.researcher}` : ''}`}</span>
        {study.conditions.map((c, i) => (
          <span key={c.name} className={`cond-chip cond-${i % 6}`}>
            {c.name} <span className="muted">{c.policy}</span>
          </span>
        ))}
      </p>
      <p className="study-meta small" aria-label="Settings">
        <span>Settings:</span>
        {describeSettings(study.settings).map((line) => (
          <span key={line} className="setting-chip">
            {line}
          </span>
        ))}
        {describeSettings(study.settings).length === 0 && <span>defaults (rating and reasons required, no time limit, no question)</span>}
      </p>
      {study.archivedAt !== null && <p className="study-closed small">Archived on {new Date(study.archivedAt).toLocaleString()}: hidden from the list of studies; everything is kept.</p>}
      {confirmDelete && (
        <section className="confirm-close" role="alertdialog" aria-labelledby="confirm-delete-title" aria-describedby="confirm-delete-text">
          <h2 id="confirm-delete-title">Delete {study.name}?</h2>
          <p id="confirm-delete-text">
            It never showed anything: no pack was issued and no review started. Its conditions, evaluator list and {plural(study.assignments.length, 'queue item')} are deleted; the tasks and the
            evaluator profiles stay.
          </p>
          <div className="form-actions">
            <button type="button" className="danger" onClick={() => void deleteStudy()}>
              Delete study
            </button>
            <button type="button" autoFocus onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </section>
      )}
      {study.state === 'closed' && study.closedAt !== null && (
        <p className="study-closed small">
          Closed on {new Date(study.closedAt).toLocaleString()}: no new reviews, results or packs; the figures are final
          {unfinished > 0 ? ` (${unfinished} unfinished review${unfinished === 1 ? '' : 's'} stay out of them)` : ''}.
        </p>
      )}
      {confirmClose && (
        <section className="confirm-close" role="alertdialog" aria-labelledby="confirm-close-title" aria-describedby="confirm-close-text">
          <h2 id="confirm-close-title">Close {study.name} for good?</h2>
          <p id="confirm-close-text">
            A closed study takes no new reviews, results imports or pack exports, and cannot be reopened: its figures stay as they are now.{' '}
            {unfinished > 0
              ? `${unfinished} review${unfinished === 1 ? ' is' : 's are'} still under way and will stay out of the figures.`
              : 'No review is under way.'}{' '}
            Its tasks may then appear in practice queues.
          </p>
          <div className="form-actions">
            <button type="button" className="danger" onClick={() => void closeStudy()}>
              Close study
            </button>
            <button type="button" ref={cancelClose} onClick={() => setConfirmClose(false)}>
              Cancel
            </button>
          </div>
        </section>
      )}
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
      {reports && <ImportReports reports={reports} onClose={() => setReports(null)} />}

      <StoredCheck study={study} />

      <section aria-labelledby="progress-title" className="studies-section">
        <h2 id="progress-title">Progress per evaluator</h2>
        <table className="studies-table">
          <thead>
            <tr>
              <th scope="col">Evaluator</th>
              <th scope="col">Progress</th>
              {study.conditions.map((c) => (
                <th key={c.name} scope="col" className="num">
                  {c.name}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {study.evaluators.map((e) => {
              const mine = count(e.id);
              return (
                <tr key={e.id}>
                  <td>
                    {e.displayName} {e.displayName !== e.id && <span className="muted mono small">{e.id}</span>}
                  </td>
                  <td>
                    <Progress done={mine.done} total={mine.total} label={`Progress of ${e.id}`} />
                  </td>
                  {study.conditions.map((c) => {
                    const inC = count(e.id, c.name);
                    return (
                      <td key={c.name} className="num small">
                        {inC.done} / {inC.total}
                      </td>
                    );
                  })}
                  <td className="actions">
                    {study.reviewHere ? (
                      <span className="muted small">reviews here</span>
                    ) : (
                      <button type="button" onClick={() => void exportPack(e.id)} aria-label={`Export pack for ${e.id}`} disabled={!isOpen} title={isOpen ? undefined : closedNote}>
                        Export pack
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {study.imports.length > 0 && (
        <section aria-labelledby="imports-title" className="studies-section">
          <h2 id="imports-title">Merged results</h2>
          <table className="studies-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">Proof of origin</th>
                <th scope="col">Merged</th>
                <th scope="col" className="num">
                  Added
                </th>
                <th scope="col" className="num">
                  Already here
                </th>
                <th scope="col" className="num" title="Reviews reopened and finished again by the evaluator, merged as their newer revision">
                  Revised
                </th>
                <th scope="col" className="num">
                  Conflicts
                </th>
              </tr>
            </thead>
            <tbody>
              {study.imports.map((m, i) => (
                <tr key={`${m.source}-${m.importedAt}-${i}`}>
                  <td className="mono small">{m.source}</td>
                  <td className="small">{m.kind === 'results' ? `results file v${m.formatVersion ?? 1}` : 'review records (no event log)'}</td>
                  <td className="small">{m.authenticated ? 'signed by the pack' : m.kind === 'results' ? 'none (issued before signed results)' : 'none (made outside Assay)'}</td>
                  <td className="small">{new Date(m.importedAt).toLocaleString()}</td>
                  <td className="num">{m.added}</td>
                  <td className="num">{m.unchanged}</td>
                  <td className="num">{m.revised}</td>
                  <td className="num">{m.conflicts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section aria-labelledby="matrix-title" className="studies-section">
        <h2 id="matrix-title">Assignment</h2>
        <p className="muted small">
          Each cell: the condition, the item’s place in that evaluator’s queue, and its state (◐ open, ✓ submitted, – skipped).
        </p>
        <div className="matrix-scroll">
          <table className="assignment-matrix" aria-label="Assignment matrix">
            <thead>
              <tr>
                <th scope="col">Task</th>
                {study.evaluators.map((e) => (
                  <th key={e.id} scope="col" className="mono">
                    {e.id}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {study.tasks.slice(0, rows).map((t) => (
                <tr key={t.id}>
                  <th scope="row" className="task-cell">
                    <span className="mono">{t.id}</span>
                    {t.title && <span className="muted small"> {t.title}</span>}
                  </th>
                  {study.evaluators.map((e) => {
                    const a = cells.get(`${t.id}\u0000${e.id}`);
                    return (
                      <td
                        key={e.id}
                        className={a ? `cell cond-${(conditionIndex.get(a.condition) ?? 0) % 6}` : 'cell empty'}
                        title={a ? `${a.condition}, shown to ${e.id} as “${a.label}”; item ${a.position} of their queue; ${a.status}` : undefined}
                      >
                        {a && (
                          <>
                            <span className="cell-cond">{a.condition}</span>
                            <span className="cell-pos muted">#{a.position}</span>
                            <span className={`cell-status ${a.status}`} title={a.status}>
                              {statusGlyph[a.status]}
                            </span>
                          </>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {study.tasks.length > rows && (
          <button type="button" onClick={() => setRows((r) => r + matrixPage * 4)}>
            Show more tasks ({study.tasks.length - rows} not shown)
          </button>
        )}
      </section>
    </section>
  );
}
