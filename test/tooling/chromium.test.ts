import { afterEach, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/chromium.js';

const saved = process.env['ASSAY_CHROMIUM'];
afterEach(() => {
  if (saved === undefined) delete process.env['ASSAY_CHROMIUM'];
  else process.env['ASSAY_CHROMIUM'] = saved;
});

describe('the e2e tests’ Chromium', () => {
  it('fails loudly, naming ASSAY_CHROMIUM, when the browser named there is missing (never a silent skip)', () => {
    process.env['ASSAY_CHROMIUM'] = '/nonexistent/chromium';
    expect(() => chromiumPath()).toThrow(/ASSAY_CHROMIUM=\/nonexistent\/chromium does not exist/);
  });

  it('uses the path ASSAY_CHROMIUM names', () => {
    process.env['ASSAY_CHROMIUM'] = process.execPath; // any existing file
    expect(chromiumPath()).toBe(process.execPath);
  });
});
