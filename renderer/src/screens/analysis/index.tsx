import type { Location } from '../../router.js';

/** Metrics and the dashboard (issue #6). */
export function AnalysisScreen(_props: { readonly location: Location }): React.JSX.Element {
  return (
    <section className="placeholder-screen">
      <h1>Analysis</h1>
      <p className="muted">The dashboard is not built yet.</p>
    </section>
  );
}
