import type { Location } from '../../router.js';

/** The evaluator's place: queue and review workspace (issue #4). */
export function ReviewScreen(_props: { readonly location: Location }): React.JSX.Element {
  return (
    <section className="placeholder-screen">
      <h1>Review</h1>
      <p className="muted">The review queue is not built yet.</p>
    </section>
  );
}
