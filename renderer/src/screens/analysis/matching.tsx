import { useEffect, useMemo, useState } from 'react';
import { matchStudy } from '../../../../shared/metrics/compute.js';
import type { FlawMatch, ReviewMatching } from '../../../../shared/metrics/matching.js';
import type { MetricReview, MetricTask, ReportRef, StudyData } from '../../../../shared/metrics/types.js';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** A ruling the researcher makes on a (review, flaw, report) triple. */
export interface Ruling {
  readonly review: string;
  readonly flaw: string;
  readonly report: ReportRef;
  readonly verdict: 'match' | 'no-match' | 'clear';
}

interface TaskRow {
  readonly task: MetricTask;
  readonly reviews: number;
  readonly caught: number;
  readonly unmatched: number;
}

function reportLabel(review: MetricReview, task: MetricTask, report: ReportRef): { title: string; text: string; quote: string | null } {
  if (report.kind === 'critique') {
    const c = task.critiques.find((x) => x.id === report.id);
    const edited = review.decisions.find((d) => d.critique === report.id)?.edited;
    return { title: `Accepted critique ${report.id}${edited ? ' (edited)' : ''}`, text: c?.text ?? '', quote: null };
  }
  const a = review.added.find((x) => x.id === report.id);
  return { title: `Added flaw ${report.id}`, text: a?.description ?? '', quote: a?.quote ?? null };
}

function PairControl({ flaw, match, onRule }: { flaw: string; match: FlawMatch | undefined; onRule: (verdict: Ruling['verdict']) => void }): React.JSX.Element {
  if (!match) {
    return (
      <span className="pair none">
        <button type="button" className="small-button" onClick={() => onRule('match')}>
          Match {flaw}
        </button>
      </span>
    );
  }
  const state = match.counted ? (match.adjudication === 'match' ? (match.auto ? 'confirmed' : 'matched by you') : 'auto') : 'rejected';
  return (
    <span className={`pair ${match.counted ? 'counted' : 'rejected'}`}>
      <span className="pair-label">
        {match.counted ? '✓' : '✗'} {flaw} <span className="muted">({state})</span>
      </span>
      {match.counted && match.adjudication === null && (
        <button type="button" className="small-button" onClick={() => onRule('match')}>
          Confirm {flaw}
        </button>
      )}
      {match.counted && (
        <button type="button" className="small-button" onClick={() => onRule('no-match')}>
          Reject {flaw}
        </button>
      )}
      {match.adjudication !== null && (
        <button type="button" className="small-button" onClick={() => onRule('clear')}>
          Clear {flaw}
        </button>
      )}
    </span>
  );
}

function TaskMatching({
  task,
  reviews,
  matchings,
  busy,
  onRule,
}: {
  task: MetricTask;
  reviews: readonly MetricReview[];
  matchings: ReadonlyMap<string, ReviewMatching>;
  busy: boolean;
  onRule: (r: Ruling) => void;
}): React.JSX.Element {
  const unmatched = reviews.flatMap((r) => (matchings.get(r.id)?.unmatched ?? []).map((u) => ({ review: r, report: u })));
  return (
    <div className="matching-task" aria-busy={busy}>
      <h2>{task.title || task.id}</h2>
      <div className="matching-columns">
        <section aria-label="Ground-truth flaws" className="gt-column">
          <h3>Ground-truth flaws</h3>
          {task.flaws.length === 0 && <p className="muted">This task has no ground-truth flaws.</p>}
          <ul className="flaw-list">
            {task.flaws.map((f) => {
              const caughtBy = reviews.filter((r) => matchings.get(r.id)?.caught.includes(f.id)).length;
              return (
                <li key={f.id}>
                  <div>
                    <span className="mono">{f.id}</span> {f.severity && <span className="badge">{f.severity}</span>} {f.category && <span className="badge">{f.category}</span>}
                    <span className="muted small"> caught in {caughtBy}/{reviews.length} reviews</span>
                  </div>
                  {f.description && <div>{f.description}</div>}
                  {f.quote && <blockquote className="quote">{f.quote}</blockquote>}
                </li>
              );
            })}
          </ul>
        </section>
        <section aria-label="What evaluators reported" className="reports-column">
          <h3>What evaluators reported</h3>
          {reviews.map((r) => {
            const m = matchings.get(r.id);
            return (
              <div key={r.id} className="review-reports">
                <div className="review-head">
                  <strong>{r.evaluator}</strong> <span className="muted">· {r.condition} · review {r.id}</span>
                </div>
                {(m?.reports ?? []).length === 0 && <p className="muted small">Reported nothing.</p>}
                {(m?.reports ?? []).map((report) => {
                  const label = reportLabel(r, task, report);
                  return (
                    <div key={`${report.kind}:${report.id}`} role="group" aria-label={`${label.title} by ${r.evaluator}`} className="report">
                      <div className="report-title">{label.title}</div>
                      {label.text && <div className="report-text">{label.text}</div>}
                      {label.quote && <blockquote className="quote">{label.quote}</blockquote>}
                      <div className="pairs">
                        {task.flaws.map((f) => (
                          <PairControl
                            key={f.id}
                            flaw={f.id}
                            match={m?.matches.find((x) => x.flaw === f.id && x.report.kind === report.kind && x.report.id === report.id)}
                            onRule={(verdict) => onRule({ review: r.id, flaw: f.id, report, verdict })}
                          />
                        ))}
                      </div>
                    </div>
                  );
                })}
              </div>
            );
          })}
        </section>
      </div>
      <section aria-label="Unmatched reports" className="unmatched">
        <h3>Reports matching no ground-truth flaw ({unmatched.length})</h3>
        {unmatched.length === 0 ? (
          <p className="muted small">Every report matches a ground-truth flaw.</p>
        ) : (
          <ul>
            {unmatched.map(({ review, report }) => {
              const label = reportLabel(review, task, report);
              return (
                <li key={`${review.id}:${report.kind}:${report.id}`}>
                  <strong>{review.evaluator}</strong> <span className="muted">({review.condition})</span>: {label.title} — {label.text}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

/**
 * The matching and adjudication screen: per task, the ground-truth flaws beside what each
 * evaluator reported, with the auto-matches; the researcher confirms, rejects or adds matches.
 */
export function Matching({ data, busy, onRule }: { readonly data: StudyData; readonly busy: boolean; readonly onRule: (r: Ruling) => void }): React.JSX.Element {
  const matchings = useMemo(() => matchStudy(data), [data]);
  const byTask = useMemo(() => {
    const map = new Map<string, MetricReview[]>();
    for (const r of data.reviews) {
      if (!matchings.has(r.id)) continue;
      const list = map.get(r.task) ?? [];
      list.push(r);
      map.set(r.task, list);
    }
    return map;
  }, [data, matchings]);
  const rows: TaskRow[] = useMemo(
    () =>
      data.tasks
        .filter((t) => byTask.has(t.id))
        .map((task) => {
          const reviews = byTask.get(task.id)!;
          return {
            task,
            reviews: reviews.length,
            caught: reviews.reduce((s, r) => s + (matchings.get(r.id)?.caught.length ?? 0), 0),
            unmatched: reviews.reduce((s, r) => s + (matchings.get(r.id)?.unmatched.length ?? 0), 0),
          };
        }),
    [data, byTask, matchings],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const current = rows.find((r) => r.task.id === selected) ?? rows[0];
  const index = current ? rows.indexOf(current) : -1;
  // j / k: next / previous task (not while typing in a field)
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      const step = e.key === 'j' ? 1 : e.key === 'k' ? -1 : 0;
      const next = rows[index + step];
      if (step === 0 || !next) return;
      e.preventDefault();
      setSelected(next.task.id);
      document.getElementById(`matching-task-${index + step}`)?.scrollIntoView({ block: 'nearest' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, index]);
  if (rows.length === 0) return <p className="muted matching-empty">No finished reviews in this study yet: import results first.</p>;
  return (
    <div className="matching">
      <nav className="matching-tasks" aria-label="Tasks">
        <table>
          <thead>
            <tr>
              <th>Task</th>
              <th className="num" title="ground-truth flaws">Flaws</th>
              <th className="num" title="flaws caught, summed over reviews">Caught</th>
              <th className="num" title="reports matching no ground-truth flaw">Unmatched</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.task.id} id={`matching-task-${i}`} className={r === current ? 'selected' : undefined}>
                <td>
                  <button type="button" className="link" aria-current={r === current ? 'true' : undefined} onClick={() => setSelected(r.task.id)}>
                    {r.task.title || r.task.id}
                  </button>
                </td>
                <td className="num">{r.task.flaws.length}</td>
                <td className="num">{r.caught}</td>
                <td className="num">{r.unmatched}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small keys-hint">
          <kbd>j</kbd> / <kbd>k</kbd> next / previous task
        </p>
      </nav>
      {current && <TaskMatching key={current.task.id} task={current.task} reviews={byTask.get(current.task.id)!} matchings={matchings} busy={busy} onRule={onRule} />}
    </div>
  );
}
