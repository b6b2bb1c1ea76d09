import type { ConditionMetrics, Figure, StudyMetrics } from '../../../../shared/metrics/compute.js';
import { formatCi, formatValue, type FigureUnit } from './format.js';
import { PlotFigure } from './plot-figure.js';
import { activeTimePlot, catchByPlot, evaluatorUpliftPlot, fatePlot, overReliancePlot, perReviewPlot, positionPlot } from './plots.js';

function FigureRow({ label, figure, unit, title }: { label: string; figure: Figure; unit: FigureUnit; title?: string }): React.JSX.Element {
  return (
    <tr title={title}>
      <th scope="row">{label}</th>
      <td className="num value">{formatValue(figure.value, unit)}</td>
      <td className="num ci muted">{formatCi(figure, unit)}</td>
    </tr>
  );
}

function ConditionCard({ name, c, m }: { name: string; c: ConditionMetrics; m: StudyMetrics }): React.JSX.Element {
  const uplift = m.uplift[name];
  return (
    <section className="metric-card" aria-label={`Condition ${name}`}>
      <header>
        <h2>{name}</h2>
        <span className="muted small">
          {c.policy} · {c.reviews} reviews
        </span>
        {name === m.baseline && <span className="badge">baseline</span>}
      </header>
      <table>
        <tbody>
          <FigureRow label="Reported / review" figure={c.reported_per_review} unit="number" title="accepted critiques + added flaws, per review" />
          <FigureRow label="Caught / review" figure={c.caught_per_review} unit="number" title="distinct ground-truth flaws caught, per review" />
          <FigureRow label="Catch rate" figure={c.catch_rate} unit="percent" title="Σ caught / Σ flaws of the reviewed tasks" />
          <FigureRow label="Critiques accepted" figure={c.critique_accept_rate} unit="percent" />
          <FigureRow label="Decoys accepted" figure={c.invalid_accept_rate} unit="percent" title="accepted shown critiques with valid: false / shown with valid: false" />
          <FigureRow label="Valid rejected" figure={c.valid_reject_rate} unit="percent" title="shown valid critiques not accepted / shown valid" />
          <FigureRow label="Added / review" figure={c.added_per_review} unit="number" />
          <FigureRow label="Median active time" figure={c.median_active_seconds} unit="seconds" />
          <FigureRow label="Verdict α" figure={c.agreement.verdict_alpha} unit="alpha" title="Krippendorff's alpha, nominal; units: task × critique shown to ≥ 2 evaluators" />
          <FigureRow label="Rating α" figure={c.agreement.rating_alpha} unit="alpha" title="Krippendorff's alpha, interval; units: tasks" />
          {uplift && <FigureRow label={`Uplift reported`} figure={uplift.reported} unit="change" title={`reported per review over ${m.baseline} − 1`} />}
          {uplift && <FigureRow label={`Uplift caught`} figure={uplift.caught} unit="change" title={`caught per review over ${m.baseline} − 1`} />}
        </tbody>
      </table>
    </section>
  );
}

/** The dashboard: a card per condition with 95% CIs, and the plots. */
export function Dashboard({ metrics }: { readonly metrics: StudyMetrics }): React.JSX.Element {
  const m = metrics;
  const names = Object.keys(m.conditions);
  const ciNote = `Dots: estimates; bars: 95% percentile-bootstrap CIs over tasks (B = ${m.bootstrap.resamples}, seed ${m.bootstrap.seed}).`;
  return (
    <div className="dashboard">
      {names.every((n) => m.conditions[n]!.reviews === 0) && (
        <p className="analysis-notice" role="status">
          No finished reviews in this study yet. Import the evaluators’ results (Studies → {m.study} → Import results…, or assay results import FILE…) and
          the figures appear here.
        </p>
      )}
      <div className="metric-cards">
        {names.map((name) => (
          <ConditionCard key={name} name={name} c={m.conditions[name]!} m={m} />
        ))}
      </div>
      <div className="plot-grid">
        <PlotFigure title="Flaws reported and caught per review" name={`${m.study}-per-review`} height={160} deps={[m]} render={(w) => perReviewPlot(m, w)} note={ciNote} />
        <PlotFigure
          title="Over-reliance"
          name={`${m.study}-over-reliance`}
          height={140}
          deps={[m]}
          render={(w) => overReliancePlot(m, w)}
          note="Decoys (valid: false) accepted, and valid critiques not accepted, among the critiques shown."
          empty="No condition showed critiques."
        />
        <PlotFigure title="Catch rate by severity" name={`${m.study}-catch-severity`} height={140} deps={[m]} render={(w) => catchByPlot(m, 'by_severity', w)} empty="No ground-truth flaws in the reviewed tasks." />
        <PlotFigure title="Catch rate by category" name={`${m.study}-catch-category`} height={140} deps={[m]} render={(w) => catchByPlot(m, 'by_category', w)} empty="No ground-truth flaws in the reviewed tasks." />
        <PlotFigure title="Critique fate" name={`${m.study}-fate`} height={110} deps={[m]} render={(w) => fatePlot(m, w)} note="Shown critiques kept, edited, rejected or left undecided; flaws the evaluators added." empty="Nothing decided yet." />
        <PlotFigure title="Active time per review" name={`${m.study}-active-time`} height={110} deps={[m]} render={(w) => activeTimePlot(m, w)} empty="No active time recorded." />
        <PlotFigure
          title="Per-evaluator uplift"
          name={`${m.study}-evaluator-uplift`}
          height={140}
          deps={[m]}
          render={(w) => evaluatorUpliftPlot(m, w)}
          empty={m.baseline ? 'No evaluator has reviews in both the baseline and another condition.' : 'No baseline condition (policy none).'}
        />
        <PlotFigure title="Detection by queue position" name={`${m.study}-position`} height={220} deps={[m]} render={(w) => positionPlot(m, w)} note="Learning or fatigue: flaws caught per review at each position of the evaluators' queues (dots); lines: moving mean over five positions." />
      </div>
    </div>
  );
}
