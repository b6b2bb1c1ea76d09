import * as Plot from '@observablehq/plot';
import { useEffect, useState } from 'react';
import type { CriticInfo } from '../../../../shared/contract/critic.js';
import type { OpOutput } from '../../../../shared/contract/index.js';
import { call } from '../../api/client.js';
import { PlotFigure } from '../analysis/plot-figure.js';
import './critic.css';
import { sweepLabels, type SweepLabel } from './sweep-labels.js';

type Rows = OpOutput<'critics:sweep'>['rows'];

const HEIGHT = 300;
const MARGIN = { top: 20, right: 24, bottom: 40, left: 56 } as const;

/**
 * The precision–comprehensiveness curve of a critic: per operating point, the share of ground-truth
 * flaws its shown critiques point out (up is better) against the share of shown critiques that
 * match no flaw (left is better). Points are labelled with the policy text a condition would use.
 */
export function sweepPlot(width: number, rows: Rows): Element | null {
  if (rows.length === 0 || rows[0]!.tasks === 0) return null;
  // points at the same place share one dot, labelled with the numbers of the table's rows
  const groups = new Map<string, { x: number; y: number; label: string; points: string[] }>();
  rows.forEach((r, i) => {
    if (r.flawShare === null || r.unmatchedShare === null) return;
    const key = `${r.unmatchedShare.toFixed(4)}:${r.flawShare.toFixed(4)}`;
    const g = groups.get(key) ?? { x: r.unmatchedShare, y: r.flawShare, label: '', points: [] };
    g.points.push(`${i + 1}. ${r.point}`);
    g.label = g.label ? `${g.label},${i + 1}` : String(i + 1);
    groups.set(key, g);
  });
  const points = [...groups.values()];
  if (points.length === 0) return null;
  // dots whose labels would touch share one label (sweep-labels.ts), at this width's plot area
  const labels = sweepLabels(
    points.map((p) => ({ x: p.x, y: p.y, rows: p.label.split(',').map(Number) })),
    Math.max(1, width - MARGIN.left - MARGIN.right),
    HEIGHT - MARGIN.top - MARGIN.bottom,
  );
  return Plot.plot({
    width,
    height: HEIGHT,
    marginTop: MARGIN.top,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    style: { background: 'transparent', color: 'currentColor', fontSize: '11px', fontVariantNumeric: 'tabular-nums' },
    x: { label: 'Shown critiques matching no flaw →', percent: true, domain: [0, 100], grid: true },
    y: { label: '↑ Flaws pointed out', percent: true, domain: [0, 100], grid: true },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.dot(points, { x: 'x', y: 'y', r: 5, fill: 'var(--accent)', stroke: 'var(--bg)', title: (d: (typeof points)[number]) => d.points.join('\n') }),
      Plot.text(labels, { x: (d: SweepLabel) => d.x, y: (d: SweepLabel) => d.y, text: 'text', dy: -11, fill: 'currentColor', fontSize: 11, fontWeight: 600 }),
    ],
  });
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);

/**
 * The critics panel of the Tasks screen (the task browser's Critics tab): the critics, and the
 * sweep plot and table of the one chosen. `critics` comes from the browser (`critics:list`), which
 * reloads it after a run; `version` reloads the sweep too.
 */
export function CriticsPanel({ critics, version }: { readonly critics: readonly CriticInfo[]; readonly version: number }): React.JSX.Element {
  const [chosen, setChosen] = useState<string | null>(critics[0]?.name ?? null);
  const [rows, setRows] = useState<Rows | null>(null);
  const [error, setError] = useState<string | null>(null);

  // keep the chosen critic while it exists (a run adds critics; remove takes them away)
  useEffect(() => setChosen((c) => (c && critics.some((x) => x.name === c) ? c : (critics[0]?.name ?? null))), [critics]);

  useEffect(() => {
    if (!chosen) return;
    let live = true;
    setRows(null);
    setError(null);
    call('critics:sweep', { name: chosen })
      .then((r) => live && setRows(r.rows))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [chosen, version]);

  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (critics.length === 0) {
    return (
      <section className="critics-panel" aria-labelledby="critics-title">
        <h2 id="critics-title">Critics</h2>
        <p className="muted small">No critic has written critiques in this database yet. Generate critiques… (key g) asks an OpenAI-compatible endpoint for them.</p>
      </section>
    );
  }
  const current = critics.find((c) => c.name === chosen);

  return (
    <section className="critics-panel" aria-labelledby="critics-title">
      <div className="critics-head">
        <h2 id="critics-title">Critics</h2>
        <label>
          Sweep of{' '}
          <select value={chosen ?? ''} onChange={(e) => setChosen(e.target.value)} aria-label="Critic to sweep">
            {critics.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {current && (
          <span className="muted small">
            {current.model} at {current.endpoint} · {current.tasks} tasks, {current.samples} samples, {current.critiques} critiques ({current.critiques ? pct(current.hallucinated / current.critiques) : '0%'} with a
            hallucinated anchor){current.onDemand ? ' · used by “Ask the critic”' : ''}
          </span>
        )}
      </div>
      <div className="critics-body">
        <PlotFigure
          title={`Operating points of ${chosen ?? ''}`}
          name={`sweep-${chosen ?? 'critic'}`}
          height={300}
          render={(w) => (rows ? sweepPlot(w, rows) : null)}
          deps={[rows]}
          note="Each numbered point is an operating point of the table (a policy critic=NAME+…): left is fewer shown critiques matching no ground-truth flaw, up is more flaws pointed out (the metrics' matching rule)."
          empty={rows ? 'No task has both ground-truth flaws and samples of this critic.' : 'Loading…'}
        />
        {rows && rows[0] && rows[0].tasks > 0 && (
          <table className="sweep-table">
            <caption className="muted small">
              {rows[0].tasks} tasks with {rows[0].flaws} ground-truth flaws
            </caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Point</th>
                <th scope="col" className="num">
                  Flaws pointed out
                </th>
                <th scope="col" className="num">
                  Matching no flaw
                </th>
                <th scope="col" className="num">
                  Per task
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.point}>
                  <td className="num muted">{i + 1}</td>
                  <td className="mono">{r.point}</td>
                  <td className="num">{pct(r.flawShare)}</td>
                  <td className="num">{pct(r.unmatchedShare)}</td>
                  <td className="num">{r.perTask === null ? '–' : r.perTask.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
