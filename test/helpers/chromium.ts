import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidates = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium to drive: ASSAY_CHROMIUM, or Debian's. Fails loudly when there is none. */
export function chromiumPath(): string {
  const fromEnv = process.env['ASSAY_CHROMIUM'];
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`ASSAY_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      'The end-to-end tests need Chromium. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) ' +
        'or set ASSAY_CHROMIUM to the path of a Chromium or Chrome executable.',
    );
  }
  return found;
}

/** Launches headless Chromium with the flags this offline machine needs. */
export async function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile (the --user-data-dir the flags ask for).
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
