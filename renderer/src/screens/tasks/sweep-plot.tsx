import * as Plot from '@observablehq/plot';
import { useEffect, useState } from 'react';
import type { CriticInfo } from '../../../../shared/contract/critic.js';
import type { OpOutput } from '../../../../shared/contract/index.js';
import { call } from '../../api/client.js';
import { PlotFigure } from '../analysis/plot-figure.js';
import './critic.css';

type Rows = OpOutput<'critics:sweep'>['rows'];

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
  // dots closer than a label's width on the same height share one label, placed at their middle
  // (else the labels of points 4 and 6 side by side read "46")
  const clusters: { y: number; xs: number[]; rows: number[] }[] = [];
  for (const p of [...points].sort((a, b) => a.x - b.x)) {
    const near = clusters.find((c) => Math.abs(c.y - p.y) < 0.04 && p.x - c.xs[c.xs.length - 1]! < 0.04);
    const rowsHere = p.label.split(',').map(Number);
    if (near) {
      near.xs.push(p.x);
      near.rows.push(...rowsHere);
    } else clusters.push({ y: p.y, xs: [p.x], rows: rowsHere });
  }
  const labels = clusters.map((c) => ({ x: (c.xs[0]! + c.xs[c.xs.length - 1]!) / 2, y: c.y, label: [...c.rows].sort((a, b) => a - b).join(',') }));
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 56,
    marginRight: 24,
    marginBottom: 40,
    style: { background: 'transparent', color: 'currentColor', fontSize: '11px', fontVariantNumeric: 'tabular-nums' },
    x: { label: 'Shown critiques matching no flaw →', percent: true, domain: [0, 100], grid: true },
    y: { label: '↑ Flaws pointed out', percent: true, domain: [0, 100], grid: true },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.dot(points, { x: 'x', y: 'y', r: 5, fill: 'var(--accent)', stroke: 'var(--bg)', title: (d: (typeof points)[number]) => d.points.join('\n') }),
      Plot.text(labels, { x: 'x', y: 'y', text: 'label', dy: -11, fill: 'currentColor', fontSize: 11, fontWeight: 600 }),
    ],
  });
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);

/** The Tasks screen's critics panel: the critics, and the sweep plot of the one chosen. Nothing without critics. */
export function CriticsPanel({ version }: { readonly version: number }): React.JSX.Element | null {
  const [critics, setCritics] = useState<readonly CriticInfo[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [rows, setRows] = useState<Rows | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('critics:list', {})
      .then((r) => {
        setCritics(r.items);
        setChosen((c) => (c && r.items.some((x) => x.name === c) ? c : (r.items[0]?.name ?? null)));
      })
      .catch((e: Error) => setError(e.message));
  }, [version]);

  useEffect(() => {
    if (!chosen) return;
    setRows(null);
    call('critics:sweep', { name: chosen })
      .then((r) => setRows(r.rows))
      .catch((e: Error) => setError(e.message));
  }, [chosen, version]);

  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (!critics || critics.length === 0) return null;
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
