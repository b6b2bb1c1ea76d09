import type { ReviewView } from '../../../../shared/contract/review.js';
import { ChunkedText, type Mark } from './chunked-text.js';

/** The left pane: the query, the problem, the outline of sections and the source document (virtualised). */
export function ContextPane({ task, marks, docRef }: { readonly task: ReviewView['task']; readonly marks: readonly Mark[]; readonly docRef: React.RefObject<HTMLDivElement | null> }): React.JSX.Element {
  const context = task.context;
  return (
    <div className="ws-scroll">
      <h2>Context</h2>
      {context?.query && <p className="query">{context.query}</p>}
      {context?.problem && <ChunkedText text={context.problem} marks={[]} className="document" label="Problem" />}
      {context?.sections && context.sections.length > 0 && (
        <details className="outline" open>
          <summary>Outline ({context.sections.length} sections)</summary>
          <ol>
            {context.sections.map((s, i) => (
              <li key={i}>
                <details>
                  <summary>{s.title}</summary>
                  {s.summary && <p className="section-summary">{s.summary}</p>}
                  {s.text && <p className="section-text">{s.text}</p>}
                </details>
              </li>
            ))}
          </ol>
        </details>
      )}
      {context?.document && (
        <div ref={docRef}>
          <ChunkedText text={context.document} marks={marks} className="document" label="Document" />
        </div>
      )}
      {!context && <p className="muted">This task comes without context: judge the output on its own.</p>}
    </div>
  );
}
