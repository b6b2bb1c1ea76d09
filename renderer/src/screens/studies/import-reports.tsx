import type { ResultsFileReport } from '../../../../shared/contract/studies.js';

/** The error without its leading "FILE: " (the list shows the file name already), ending in a full stop. */
export function withoutFileName(error: string, file: string): string {
  const text = error.startsWith(`${file}:`) ? error.slice(file.length + 1).trimStart() : error;
  return /[.!?]$/.test(text) ? text : `${text}.`;
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
              <span>refused — {withoutFileName(r.error ?? '', r.file)} Nothing from this file was stored.</span>
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
