import type { ConditionMetrics, Figure, StudyMetrics } from '../../../../shared/metrics/compute.js';
import { formatBasis, formatCi, formatValue, type FigureUnit } from './format.js';
import { PlotFigure } from './plot-figure.js';
import { activeTimePlot, catchByPlot, evaluatorUpliftPlot, fatePlot, overReliancePlot, perReviewPlot, positionPlot, reliabilityPlot } from './plots.js';

function FigureRow({ label, figure, unit, title, seen }: { label: string; figure: Figure; unit: FigureUnit; title?: string; seen: Set<string> }): React.JSX.Element {
  const repeated = figure.reason !== null && seen.has(figure.reason);
  if (figure.reason !== null && figure.value === null) seen.add(figure.reason);
  const tip = [title, formatBasis(figure), figure.reason].filter(Boolean).join('\n');
  return (
    <>
      <tr title={tip} className={figure.reason ? 'has-reason' : undefined}>
        <th scope="row">{label}</th>
        <td className="num value">{formatValue(figure.value, unit)}</td>
        <td className="num ci muted">{formatCi(figure, unit)}</td>
      </tr>
      {figure.reason && figure.value === null && (
        <tr className="reason-row">
          <td colSpan={3} className="muted small">
            {repeated ? 'the same reason as above' : figure.reason}
          </td>
        </tr>
      )}
    </>
  );
}

function ConditionCard({ name, c, m }: { name: string; c: ConditionMetrics; m: StudyMetrics }): React.JSX.Element {
  const uplift = m.uplift[name];
  const all: Figure[] = [
    c.reported_per_review,
    c.caught_per_review,
    c.catch_rate,
    c.critique_accept_rate,
    c.invalid_accept_rate,
    c.valid_reject_rate,
    c.added_per_review,
    c.median_active_seconds,
    c.agreement.verdict_alpha,
    c.agreement.rating_alpha,
    ...(uplift ? [uplift.reported, uplift.reported_diff, uplift.caught, uplift.caught_diff, uplift.catch_rate_diff] : []),
  ];
  // Why intervals are missing, once per card (the same reason usually holds for every figure).
  const seen = new Set<string>();
  const noInterval = [...new Set(all.filter((f) => f.value !== null && f.ci[0] === null && f.reason).map((f) => f.reason!))];
  return (
    <section className="metric-card" aria-label={`Condition ${name}`}>
      <header>
        <h2>{name}</h2>
        <span className="muted small" title="What the figures rest on (hover a figure for its own basis)">
          {c.policy} · {c.reviews} reviews · {c.reported_per_review.basis.evaluators} evaluators
          {c.catch_rate.basis.flaws !== undefined && c.catch_rate.basis.flaws > 0
            ? ` · ${c.catch_rate.basis.flaws} flaws: ${c.catch_rate.basis.flaws_auto_matchable} auto-matchable, ${c.catch_rate.basis.flaws_adjudicated} adjudicated`
            : ''}
        </span>
        {name === m.baseline && <span className="badge">baseline</span>}
      </header>
      <table>
        <tbody>
          <FigureRow seen={seen} label="Reported / review" figure={c.reported_per_review} unit="number" title="accepted critiques + added flaws, per review" />
          <FigureRow seen={seen} label="Caught / review" figure={c.caught_per_review} unit="number" title="distinct ground-truth flaws caught, per review" />
          <FigureRow seen={seen} label="Catch rate" figure={c.catch_rate} unit="percent" title="Σ caught / Σ flaws of the reviewed tasks" />
          <FigureRow seen={seen} label="Critiques accepted" figure={c.critique_accept_rate} unit="percent" />
          <FigureRow seen={seen} label="Decoys accepted" figure={c.invalid_accept_rate} unit="percent" title="accepted shown critiques with valid: false / shown with valid: false" />
          <FigureRow seen={seen} label="Valid rejected" figure={c.valid_reject_rate} unit="percent" title="shown valid critiques not accepted / shown valid" />
          <FigureRow seen={seen} label="Added / review" figure={c.added_per_review} unit="number" />
          <FigureRow seen={seen} label="Median active time" figure={c.median_active_seconds} unit="seconds" />
          <FigureRow seen={seen} label="Verdict α" figure={c.agreement.verdict_alpha} unit="alpha" title="Krippendorff's alpha, nominal; units: task × critique shown to ≥ 2 evaluators" />
          <FigureRow seen={seen} label="Rating α" figure={c.agreement.rating_alpha} unit="alpha" title="Krippendorff's alpha, interval; units: tasks" />
          {uplift && <FigureRow seen={seen} label="Uplift reported" figure={uplift.reported} unit="change" title={`reported per review over ${m.baseline} − 1`} />}
          {uplift && <FigureRow seen={seen} label="Reported − baseline" figure={uplift.reported_diff} unit="signed" title={`reported per review − ${m.baseline}'s`} />}
          {uplift && <FigureRow seen={seen} label="Uplift caught" figure={uplift.caught} unit="change" title={`caught per review over ${m.baseline} − 1`} />}
          {uplift && <FigureRow seen={seen} label="Caught − baseline" figure={uplift.caught_diff} unit="signed" title={`caught per review − ${m.baseline}'s`} />}
          {uplift && <FigureRow seen={seen} label="Catch rate − baseline" figure={uplift.catch_rate_diff} unit="points" title={`catch rate − ${m.baseline}'s, in percentage points`} />}
        </tbody>
      </table>
      {noInterval.length > 0 && (
        <p className="card-note small" role="note">
          No interval: {noInterval.join('; ')}.
        </p>
      )}
    </section>
  );
}

/** One figure of the calibration table: the value, its interval below, its basis and reason as a tooltip. */
function CalibrationCell({ figure, unit }: { figure: Figure | undefined; unit: FigureUnit }): React.JSX.Element {
  if (!figure) return <td className="num muted">—</td>;
  const tip = [formatBasis(figure), figure.reason].filter(Boolean).join('\n');
  return (
    <td className="num" title={tip}>
      <span className="value">{formatValue(figure.value, unit)}</span>
      {figure.value !== null && <span className="ci muted">{formatCi(figure, unit)}</span>}
    </td>
  );
}

/**
 * Confidence and calibration of the answers to the study's question, a column per condition
 * (issue 11 §4, docs/metrics.md); a one-line note when the study asks no question.
 */
function CalibrationCard({ m }: { m: StudyMetrics }): React.JSX.Element {
  const names = Object.keys(m.conditions);
  if (m.calibration.question === null) {
    return (
      <p className="calibration-off muted small" role="note">
        Confidence and calibration: off — {m.calibration.reason}.
      </p>
    );
  }
  const k = (name: string) => m.conditions[name]!.calibration;
  const d = (name: string) => m.uplift[name]?.calibration;
  const rows: { label: string; title: string; unit: FigureUnit; get: (name: string) => Figure | undefined }[] = [
    { label: 'Accuracy', title: 'answers equal to the truth (flawed = the task has a ground-truth flaw) / answered reviews', unit: 'percent', get: (n) => k(n)?.accuracy },
    { label: 'Brier score', title: 'mean of (P(flawed) − flawed)²; 0 is perfect, 0.25 is always 50%', unit: 'brier', get: (n) => k(n)?.brier },
    { label: 'ECE', title: 'expected calibration error over the bins 50–59 … 90–100: Σ (n_b / n)·|confidence − accuracy|', unit: 'brier', get: (n) => k(n)?.ece },
    { label: 'Mean confidence', title: 'mean confidence in the answer', unit: 'percent', get: (n) => k(n)?.mean_confidence },
    { label: 'Over-confidence', title: 'mean confidence − accuracy (negative: under-confident)', unit: 'points', get: (n) => k(n)?.overconfidence },
  ];
  const diffs: typeof rows = [
    { label: 'Accuracy − baseline', title: `accuracy − ${m.baseline}'s`, unit: 'points', get: (n) => d(n)?.accuracy_diff },
    { label: 'Brier − baseline', title: `Brier score − ${m.baseline}'s (negative: better)`, unit: 'signed3', get: (n) => d(n)?.brier_diff },
    { label: 'Confidence − baseline', title: `mean confidence − ${m.baseline}'s`, unit: 'points', get: (n) => d(n)?.mean_confidence_diff },
    { label: 'Over-conf. − baseline', title: `over-confidence − ${m.baseline}'s`, unit: 'points', get: (n) => d(n)?.overconfidence_diff },
  ];
  // each reason once, with the conditions it concerns
  const byReason = new Map<string, string[]>();
  for (const n of names) {
    for (const r of [...rows, ...diffs]) {
      const reason = r.get(n)?.reason;
      if (!reason) continue;
      const list = byReason.get(reason) ?? [];
      if (!list.includes(n)) list.push(n);
      byReason.set(reason, list);
    }
  }
  const reasons = [...byReason].map(([reason, where]) => `${where.join(', ')}: ${reason}`);
  const hasDiffs = names.some((n) => d(n) !== undefined);
  return (
    <section className="metric-card calibration-card" aria-label="Confidence and calibration">
      <header>
        <h2>Confidence and calibration</h2>
        <span className="muted small">“{m.calibration.question}” (yes = flawed)</span>
      </header>
      <table>
        <thead>
          <tr>
            <th scope="col" />
            {names.map((n) => (
              <th scope="col" key={n} className="num">
                {n}
                <span className="muted small answered">{k(n)?.answered ?? 0} answered</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row" title={r.title}>
                {r.label}
              </th>
              {names.map((n) => (
                <CalibrationCell key={n} figure={r.get(n)} unit={r.unit} />
              ))}
            </tr>
          ))}
          {hasDiffs &&
            diffs.map((r) => (
              <tr key={r.label} className="diff-row">
                <th scope="row" title={r.title}>
                  {r.label}
                </th>
                {names.map((n) => (
                  <CalibrationCell key={n} figure={r.get(n)} unit={r.unit} />
                ))}
              </tr>
            ))}
        </tbody>
      </table>
      <p className="muted small calibration-truth">Truth: {m.calibration.truth}. Bins: {m.calibration.binning}.</p>
      {reasons.length > 0 && (
        <ul className="card-note small calibration-reasons" aria-label="Calibration notes">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The dashboard: a card per condition with 95% CIs, and the plots. */
export function Dashboard({ metrics }: { readonly metrics: StudyMetrics }): React.JSX.Element {
  const m = metrics;
  const names = Object.keys(m.conditions);
  const ciNote =
    m.intervals.resamples === null
      ? `Dots: estimates; bars: 95% CIs for evaluators and tasks in general (${m.ci_method}); a hollow dot has no interval (hover it for why).`
      : `Dots: estimates; bars: 95% CIs for these evaluators (${m.ci_method}, B = ${m.intervals.resamples}, seed ${m.intervals.seed}); a hollow dot has no interval (hover it for why).`;
  return (
    <div className="dashboard">
      {m.warnings.length > 0 && (
        <ul className="analysis-warnings" aria-label="Warnings">
          {m.warnings.map((w, i) => (
            <li key={i}>{w.message}</li>
          ))}
        </ul>
      )}
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
      {m.calibration.question === null ? (
        <CalibrationCard m={m} />
      ) : (
        <div className="calibration-row">
          <CalibrationCard m={m} />
          <PlotFigure
            title="Reliability"
            name={`${m.study}-reliability`}
            height={260}
            deps={[m]}
            render={(w) => reliabilityPlot(m, w)}
            note="Answers binned by confidence: each bin's mean confidence against its accuracy with a 95% interval; dot area and n: answers in the bin; dashed: perfect calibration (below it: over-confident)."
            empty="No answers scored against the ground truth yet."
          />
        </div>
      )}
      <div className="plot-grid">
        <PlotFigure title="Flaws reported and caught per review" name={`${m.study}-per-review`} height={160} deps={[m]} render={(w) => perReviewPlot(m, w)} note={ciNote} />
        <PlotFigure
          title="Over-reliance"
          name={`${m.study}-over-reliance`}
          height={140}
          deps={[m]}
          render={(w) => overReliancePlot(m, w)}
          note="Decoys (valid: false) accepted, and valid critiques not accepted, among the critiques shown; bars: 95% CIs; a hollow dot has no interval (hover it for why)."
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
          note="Each evaluator's own uplift over their baseline reviews, with a 95% interval over tasks (that evaluator fixed); a hollow dot has no interval — too few reviews, or an estimate of 0 (hover it for why)."
          empty={m.baseline ? 'No evaluator has reviews in both the baseline and another condition.' : 'No baseline condition (policy none).'}
        />
        <PlotFigure title="Detection by queue position" name={`${m.study}-position`} height={220} deps={[m]} render={(w) => positionPlot(m, w)} note="Learning or fatigue: flaws caught per review at each position of the evaluators' queues (dots); lines: moving mean over five positions." />
      </div>
    </div>
  );
}
