import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportedPack, ResultsFileReport, StudySummary } from '../../../../shared/contract/studies.js';
import { call } from '../../api/client.js';
import { navigate } from '../../router.js';
import { useEvaluatorChoice } from '../review/profile.js';
import { routeFiles } from '../../files/route-files.js';
import { describeExport, exportResultsOf, refreshPacks } from '../review/results-state.js';
import { readFiles } from './files.js';
import { ImportReports } from './import-reports.js';
import { ProfilesSection } from './profiles.js';
import { Progress } from './progress.js';
import { useKeys } from './use-keys.js';

/** The Studies place: the researcher's studies, and the packs an evaluator opened here. */
export function StudiesOverview({ onChanged }: { readonly onChanged?: (() => void) | undefined }): React.JSX.Element {
  const [studies, setStudies] = useState<readonly StudySummary[] | null>(null);
  const [packs, setPacks] = useState<readonly ImportedPack[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reports, setReports] = useState<readonly ResultsFileReport[] | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const [version, setVersion] = useState(0);
  const [, chooseEvaluator] = useEvaluatorChoice();
  const packInput = useRef<HTMLInputElement>(null);
  const resultsInput = useRef<HTMLInputElement>(null);

  const load = useCallback(() => {
    Promise.all([call('studies:list', { archived: showArchived }), call('packs:list', {})])
      .then(([s, p]) => {
        setStudies(s);
        setPacks(p);
        setVersion((v) => v + 1);
      })
      .catch((e: Error) => setError(e.message));
  }, [showArchived]);
  useEffect(load, [load]);
  useKeys({
    n: () => navigate('studies', 'new'),
    o: () => packInput.current?.click(),
    i: () => resultsInput.current?.click(),
  });

  // Both inputs recognise files by content: a results file given to Open pack is merged, a pack
  // given to Import results is opened, a task package is pointed to the Tasks place.
  const openPack = async (list: FileList | null): Promise<void> => {
    setError(null);
    setNotice(null);
    const { own, routed } = await routeFiles([...(list ?? [])], 'pack-open');
    const messages = routed.map((r) => r.message);
    let failed = routed.find((r) => !r.ok)?.message ?? null;
    for (const file of own) {
      let content: { fileName: string; content: string } | undefined;
      try {
        [content] = await readFiles([file]);
        const r = await call('packs:import', content!);
        messages.push(
          r.unchanged
            ? `This pack was already open: ${r.items} items for ${r.evaluator} in study ${r.study}. Nothing changed.`
            : `Opened the pack: ${r.items} items for ${r.evaluator} in study ${r.study}. Press Review (below) to start.`,
        );
      } catch (e) {
        failed = `Could not open ${file.name}: ${(e as Error).message}`;
      }
    }
    if (failed) setError(failed);
    if (messages.length > 0 && !failed) setNotice(messages.join(' '));
    load();
    void refreshPacks().catch(() => undefined);
    onChanged?.();
  };

  const importResults = async (list: FileList | null): Promise<void> => {
    setError(null);
    setNotice(null);
    try {
      const { own, routed } = await routeFiles([...(list ?? [])], 'results-import');
      const failed = routed.find((r) => !r.ok);
      if (failed) setError(failed.message);
      else if (routed.length > 0) setNotice(routed.map((r) => r.message).join(' '));
      const files = await readFiles(own);
      if (files.length > 0) setReports(await call('results:import', { files }));
      load();
      if (routed.some((r) => r.ok)) onChanged?.();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const exportResults = async (pack: ImportedPack): Promise<void> => {
    setError(null);
    try {
      setNotice(describeExport(await exportResultsOf(pack.id)));
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="studies" aria-labelledby="studies-title">
      <div className="studies-bar">
        <h1 id="studies-title">Studies</h1>
        <span className="spacer" />
        <button type="button" onClick={() => packInput.current?.click()} aria-keyshortcuts="o" title="Open pack (o)">
          Open pack…
        </button>
        <button type="button" onClick={() => resultsInput.current?.click()} aria-keyshortcuts="i" title="Import results (i)">
          Import results…
        </button>
        <button type="button" className="primary" onClick={() => navigate('studies', 'new')} aria-keyshortcuts="n" title="New study (n)">
          New study
        </button>
        <input
          ref={packInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Pack file"
          onChange={(e) => {
            void openPack(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
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

      {packs && packs.length > 0 && (
        <section aria-labelledby="packs-title" className="studies-section">
          <h2 id="packs-title">Packs opened here</h2>
          <table className="studies-table">
            <thead>
              <tr>
                <th scope="col">Study</th>
                <th scope="col">Evaluator</th>
                <th scope="col">Progress</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {packs.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.study}
                    {p.timeLimitSeconds !== null && <span className="muted small"> · {Math.round(p.timeLimitSeconds / 60)} min per item</span>}
                  </td>
                  <td className="mono">{p.evaluator}</td>
                  <td>
                    <Progress done={p.finished} total={p.items} label={`Progress of ${p.evaluator} in ${p.study}`} />
                    <div className="muted small">
                      {p.unexported > 0
                        ? `${p.unexported} finished review${p.unexported === 1 ? '' : 's'} not exported yet`
                        : p.lastExport
                          ? `Exported ${new Date(p.lastExport.at).toLocaleDateString()}`
                          : 'Nothing exported yet'}
                      {` · results go to ${p.researcher ?? 'the researcher who sent the pack'}`}
                    </div>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      aria-label={`Review as ${p.evaluator}`}
                      onClick={() => {
                        chooseEvaluator(p.evaluator); // the review screen opens on this evaluator's queue
                        navigate('review');
                      }}
                    >
                      Review
                    </button>
                    <button type="button" onClick={() => void exportResults(p)}>
                      Export results…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {!(studies?.length === 0 && packs && packs.length > 0) && (
        <section aria-labelledby="own-studies-title" className="studies-section">
          <div className="section-head">
            <h2 id="own-studies-title">Your studies</h2>
            <label className="small muted">
              <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived studies
            </label>
          </div>
          {studies === null ? (
            <div className="placeholder" aria-busy="true" />
          ) : studies.length === 0 ? (
            <p className="muted">
              {showArchived ? 'No studies in this database.' : 'No studies to show (archived studies are hidden).'} <strong>New study</strong> assigns tasks to evaluators under conditions; evaluators who work
              offline receive a pack and send back their results. An evaluator who was sent a pack uses <strong>Open pack…</strong>.
            </p>
          ) : (
            <table className="studies-table">
              <thead>
                <tr>
                  <th scope="col">Study</th>
                  <th scope="col">Conditions</th>
                  <th scope="col" className="num">
                    Tasks
                  </th>
                  <th scope="col" className="num">
                    Evaluators
                  </th>
                  <th scope="col" className="num">
                    Overlap
                  </th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {studies.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <button type="button" className="link" onClick={() => navigate('studies', s.name)}>
                        {s.name}
                      </button>
                      {s.state === 'closed' && <span className="study-state closed list-tag">{s.archived ? 'closed, archived' : 'closed'}</span>}
                    </td>
                    <td className="small">
                      {s.conditions.map((c, i) => (
                        <span key={c.name} className={`cond-chip cond-${i % 6}`}>
                          {c.name} <span className="muted">{c.policy}</span>
                        </span>
                      ))}
                    </td>
                    <td className="num">{s.taskCount}</td>
                    <td className="num">{s.evaluatorCount}</td>
                    <td className="num">{s.overlap}</td>
                    <td>
                      <Progress done={s.done} total={s.total} label={`Progress of ${s.name}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <ProfilesSection version={version} />
    </section>
  );
}
