import { useCallback, useEffect, useMemo, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import type { CiMethod } from '../../../../shared/metrics/compute.js';
import type { StudyData } from '../../../../shared/metrics/types.js';
import { call } from '../../api/client.js';
import { navigate, type Location } from '../../router.js';
import './analysis.css';
import { Dashboard } from './dashboard.js';
import { applyRulings } from './adjudication.js';
import { Matching, type Ruling } from './matching.js';
import { useMetrics } from './use-metrics.js';

type Studies = OpOutput<'studies:list'>;

function Progress({ done, total }: { done: number; total: number }): React.JSX.Element {
  return (
    <span className="bootstrap-progress">
      <progress aria-label="Bootstrap progress" max={Math.max(1, total)} value={done} />
      <span className="muted small">
        bootstrap {done}/{total}
      </span>
    </span>
  );
}

/** Metrics dashboard and flaw matching for a study (issue #6). URL: #/analysis/STUDY[/matching]. */
export function AnalysisScreen({ location }: { readonly location: Location }): React.JSX.Element {
  const [studies, setStudies] = useState<Studies | null>(null);
  const [data, setData] = useState<StudyData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resamples, setResamples] = useState(2000);
  const [ciMethod, setCiMethod] = useState<CiMethod>('population');
  const [seed, setSeed] = useState(1);
  const [baseline, setBaseline] = useState('');
  const [study, view] = location.params;
  const tab = view === 'matching' ? 'matching' : 'dashboard';

  useEffect(() => {
    call('studies:list', { archived: true })
      .then(setStudies)
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    if (!study && studies && studies.length > 0) navigate('analysis', studies[0]!.name);
  }, [study, studies]);

  const load = useCallback(() => {
    if (!study) return;
    call('analysis:data', { study })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [study]);
  useEffect(() => {
    setData(null);
    setBaseline('');
    load();
  }, [load]);

  const options = useMemo(
    () => ({ ci: ciMethod, ...(ciMethod === 'tasks' ? { bootstrap: resamples, seed } : {}), ...(baseline ? { baseline } : {}) }),
    [ciMethod, resamples, seed, baseline],
  );
  const metrics = useMetrics(tab === 'dashboard' ? data : null, options);
  const shown = metrics.status === 'done' ? metrics.metrics : metrics.status === 'running' ? metrics.previous : null;

  // A ruling is recorded, then applied to the data in hand (the rule the back end folds its log
  // with): no reload, so nothing on the screen moves but what the ruling changes.
  const rule = useCallback(
    async (r: Ruling): Promise<void> => {
      if (!study) return;
      await call('analysis:rule', { study, review: r.review, report: r.report, rulings: [...r.rulings] });
      setData((d) => (d && d.study === study ? { ...d, adjudications: applyRulings(d.adjudications, r.review, r.report, r.rulings) } : d));
    },
    [study],
  );

  if (studies && studies.length === 0) {
    return (
      <section className="empty-state">
        <h1>Analysis</h1>
        <p>There are no studies yet. Create one under Studies, let evaluators review, and import their results: the metrics appear here.</p>
        <p className="muted">From the command line: assay study create …, assay results import FILE…, then assay metrics --study NAME.</p>
      </section>
    );
  }

  return (
    <section className={`analysis${tab === 'matching' ? ' matching-tab' : ''}`}>
      <div className="analysis-bar">
        <h1>Analysis</h1>
        <label>
          Study{' '}
          <select aria-label="Study" value={study ?? ''} onChange={(e) => navigate('analysis', e.target.value, ...(tab === 'matching' ? ['matching'] : []))}>
            {(studies ?? []).map((s) => (
              <option key={s.id} value={s.name}>
                {s.name}
                {s.archived ? ' (archived)' : ''}
              </option>
            ))}
          </select>
        </label>
        <div role="tablist" aria-label="Analysis views" className="tabs">
          <button type="button" role="tab" aria-selected={tab === 'dashboard'} onClick={() => study && navigate('analysis', study)}>
            Dashboard
          </button>
          <button type="button" role="tab" aria-selected={tab === 'matching'} onClick={() => study && navigate('analysis', study, 'matching')}>
            Matching
          </button>
        </div>
        <span className="spacer" />
        {tab === 'dashboard' && (
          <>
            <label className="small">
              Baseline{' '}
              <select aria-label="Baseline" value={baseline} onChange={(e) => setBaseline(e.target.value)}>
                <option value="">first “none”</option>
                {(data?.conditions ?? []).map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="small" title="population: intervals for evaluators and tasks in general (what a paper claims); tasks: the task bootstrap, for these evaluators only">
              Intervals{' '}
              <select aria-label="Intervals" value={ciMethod} onChange={(e) => setCiMethod(e.target.value as CiMethod)}>
                <option value="population">evaluators &amp; tasks in general</option>
                <option value="tasks">these evaluators (task bootstrap)</option>
              </select>
            </label>
            <label className="small" title={ciMethod === 'population' ? 'The population intervals are computed in closed form: no resampling' : undefined}>
              Resamples{' '}
              <select aria-label="Resamples" value={resamples} disabled={ciMethod === 'population'} onChange={(e) => setResamples(Number(e.target.value))}>
                {[200, 1000, 2000, 5000, 10000].map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label className="small">
              Seed{' '}
              <input
                aria-label="Seed"
                className="seed-input"
                type="number"
                disabled={ciMethod === 'population'}
                value={seed}
                onChange={(e) => Number.isInteger(Number(e.target.value)) && e.target.value !== '' && setSeed(Number(e.target.value))}
              />
            </label>
            <span className="progress-slot" aria-live="polite">
              {metrics.status === 'running' && <Progress done={metrics.done} total={metrics.total} />}
              {metrics.status === 'done' && (
                <span className="muted small" title={metrics.metrics.intervals.note ?? undefined}>
                  95% CIs · {metrics.metrics.ci_method} · {metrics.metrics.intervals.tasks} tasks · {metrics.metrics.intervals.evaluators} evaluators
                </span>
              )}
            </span>
          </>
        )}
      </div>
      {error && (
        <div role="alert" className="error-banner">
          {error}
        </div>
      )}
      {metrics.status === 'error' && tab === 'dashboard' && (
        <div role="alert" className="error-banner">
          The metrics could not be computed: {metrics.message}
        </div>
      )}
      {tab === 'dashboard' && (shown ? <Dashboard metrics={shown} /> : <div className="dashboard-placeholder" aria-busy="true" />)}
      {tab === 'matching' && (data ? <Matching key={data.study} data={data} onRule={rule} /> : <div className="dashboard-placeholder" aria-busy="true" />)}
    </section>
  );
}
