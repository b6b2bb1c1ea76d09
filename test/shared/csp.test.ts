import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../shared/csp.js';

/** The policy as a map from directive to its sources. */
function parse(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('the Content-Security-Policy', () => {
  const csp = parse(contentSecurityPolicy);

  it('loads nothing from outside the app: every source is the app itself, none, or inline data it made', () => {
    const allowed = new Set(["'self'", "'none'", 'data:', 'blob:', "'unsafe-inline'"]);
    for (const [name, sources] of csp) for (const s of sources) expect(allowed.has(s), `${name} ${s}`).toBe(true);
    // a remote host, a scheme such as https: or a wildcard would each fail the loop above
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it("runs only the app's own scripts: no inline script, no eval, no plugins, no framing, no form posts", () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // 'unsafe-inline' is allowed for styles only (Monaco injects them), never for scripts
    for (const [name, sources] of csp) if (sources.includes("'unsafe-inline'")) expect(name).toBe('style-src');
  });

  it("the meta tag's policy is the header's without frame-ancestors, which browsers ignore in a meta tag", () => {
    const meta = parse(metaContentSecurityPolicy);
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(new Map([...meta, ['frame-ancestors', ["'none'"]]])).toEqual(csp);
  });
});
