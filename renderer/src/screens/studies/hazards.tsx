import type { StudyCheck } from '../../../../shared/study/check.js';

/** The power estimate of a study check as one sentence (or why there is none). */
export function estimateText(estimate: StudyCheck['estimate']): string {
  const e = estimate;
  if (!e) return 'No power estimate: the design needs an unassisted condition, an assisted one and tasks with planted flaws.';
  const typical = e.median_ci_width === undefined ? e.mean_ci_width : e.median_ci_width; // checks stored before the median
  const width = typical === null ? 'with so few reviews the metrics give no interval' : `95% intervals typically ${Math.round(typical * 100)} points wide`;
  return `Power to detect a ${Math.round(e.uplift * 100)}% uplift in caught flaws per review: about ${Math.round(e.power * 100)}% (${width}; ${e.replicates} simulated studies, evaluator SD ${e.evaluator_sd}).`;
}

/** A check's hazards: severity, code, count, what it means and what to do. */
export function HazardList({ hazards }: { readonly hazards: StudyCheck['hazards'] }): React.JSX.Element {
  return (
    <ul className="hazards">
      {hazards.map((h, i) => (
        <li key={i} className={h.severity === 'error' ? 'hazard error' : 'hazard'}>
          <span className="hazard-head">
            <span className="badge">{h.severity === 'error' ? 'refused' : 'warning'}</span> <code>{h.code}</code> <span className="muted small">count {h.count}</span>
          </span>
          <span className="hazard-message">{h.message}</span>
          <span className="hazard-action muted small">What to do: {h.action}</span>
        </li>
      ))}
    </ul>
  );
}
