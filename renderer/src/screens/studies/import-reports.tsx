import type { ResultsFileReport } from '../../../../shared/contract/studies.js';
import { refusalParts } from './refusal.js';

/** A refusal as the screen says it: "refused — line 2, field rating: … Nothing from this file was stored." */
function Refused({ error, file }: { readonly error: string; readonly file: string }): React.JSX.Element {
  const { place, field, message } = refusalParts(error, file);
  return (
    <span>
      refused — {place && <span className="refusal-place">{place}, </span>}
      {field && (
        <span className="refusal-field">
          field <code>{field}</code>:{' '}
        </span>
      )}
      {message} Nothing from this file was stored.
    </span>
  );
}

/** What importing results files did, file by file: merged, unchanged, conflicts, refusals. */
export function ImportReports({ reports, onClose }: { readonly reports: readonly ResultsFileReport[]; readonly onClose: () => void }): React.JSX.Element {
  return (
    <section className="import-reports" aria-labelledby="import-reports-title">
      <div className="studies-bar">
        <h2 id="import-reports-title">Results import</h2>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ul>
        {reports.map((r, i) => (
          <li key={`${r.file}-${i}`} className={r.status === 'refused' || r.conflicts.length > 0 ? 'bad' : 'good'}>
            <span className="mono">{r.file}</span>:{' '}
            {r.status === 'refused' ? (
              <Refused error={r.error ?? ''} file={r.file} />
            ) : (
              <span>
                {r.added + r.unchanged + r.revised + r.conflicts.length === 0
                  ? 'no finished reviews in this file'
                  : `${r.added} review${r.added === 1 ? '' : 's'} added, ${r.unchanged} already here${r.revised > 0 ? `, ${r.revised} newer revision${r.revised === 1 ? '' : 's'} merged (reopened and finished again)` : ''}`}
                {r.study ? ` (study ${r.study}${r.evaluator ? `, ${r.evaluator}` : ''})` : ''}
                {r.formatVersion === null
                  ? ' — review records: no proof of origin'
                  : r.authenticated
                    ? ' — signed by the pack'
                    : ' — unauthenticated: a version-1 file from before signed results, no proof of origin'}
                {r.conflicts.length > 0 ? `, ${r.conflicts.length} conflict${r.conflicts.length === 1 ? '' : 's'}:` : '.'}
              </span>
            )}
            {r.conflicts.length > 0 && (
              <ul>
                {r.conflicts.map((c) => (
                  <li key={`${c.evaluator}-${c.task}`}>
                    task <span className="mono">{c.task}</span> by <span className="mono">{c.evaluator}</span>: {c.message}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
