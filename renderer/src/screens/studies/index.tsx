import type { Location } from '../../router.js';

/** The researcher's studies (issue #5). */
export function StudiesScreen(_props: { readonly location: Location }): React.JSX.Element {
  return (
    <section className="placeholder-screen">
      <h1>Studies</h1>
      <p className="muted">Studies are not built yet.</p>
    </section>
  );
}
