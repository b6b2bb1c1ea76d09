import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk } from '../helpers/cli.js';
import { watchProblems } from '../helpers/page.js';
import type { StudyMetrics } from '../../shared/metrics/compute.js';
import { openDatabase } from '../../electron/backend/db/open.js';
import { seedCalibrationStudy, seedWarningStudy, syntheticConditions, syntheticEvaluators, syntheticRecords, syntheticTasks } from '../backend/analysis/study-fixture.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

// The researcher's path end to end: import tasks → create a study → merge review records →
// `assay metrics`; then the dashboard and the matching screen in Chromium, and an adjudication
// made there showing up in the metrics and the exports.

const cli = cliOk;

describe('analysis end to end (CLI and Chromium)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'researcher.db');
  let browser: Browser;
  let server: ServerProcess | undefined;
  const problems: string[] = [];
  let before: StudyMetrics;

  const watch = (page: Page): void => watchProblems(page, problems);

  beforeAll(async () => {
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${syntheticTasks(12).map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cli('import', tasksFile, '--db', db);
    await cli('study', 'create', '--name', 'e2e', '--conditions', syntheticConditions, '--evaluators', syntheticEvaluators.join(','), '--overlap', '6', '--seed', '3', '--db', db);
    const shown = JSON.parse(await cli('study', 'show', 'e2e', '--json', '--db', db)) as { assignments: { evaluator: string; task: string; condition: string }[] };
    const recordsFile = path.join(dir, 'records.jsonl');
    fs.writeFileSync(recordsFile, syntheticRecords('e2e', shown.assignments));
    await cli('results', 'import', recordsFile, '--db', db);
    const handle = openDatabase(db);
    seedWarningStudy(handle); // a second study whose flaws can only be matched by hand, by two evaluators
    seedCalibrationStudy(handle, { taskCount: 24 }); // a third that asks the yes/no question
    handle.close();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('assay metrics --json reports every condition, uplift over the unassisted baseline, and CIs', async () => {
    before = JSON.parse(await cli('metrics', '--study', 'e2e', '--json', '--bootstrap', '300', '--seed', '2', '--db', db)) as StudyMetrics;
    expect(before.baseline).toBe('unassisted');
    expect(before.ci_method).toBe('population:two-way-cluster-robust');
    expect(before.intervals).toMatchObject({ resamples: null, seed: null, tasks: 12, evaluators: 6, note: expect.stringMatching(/--bootstrap 300 was not used/) });
    for (const u of Object.values(before.uplift)) {
      for (const f of [u.reported, u.caught, u.reported_diff, u.caught_diff, u.catch_rate_diff]) {
        expect(f.ci[0]!).toBeLessThanOrEqual(f.value!);
        expect(f.ci[1]!).toBeGreaterThanOrEqual(f.value!);
      }
    }
    expect(Object.keys(before.conditions)).toEqual(['unassisted', 'assisted', 'valid-only']);
    for (const c of Object.values(before.conditions)) expect(c.reviews).toBe(24); // 12 tasks × 6 evaluators / 3 conditions
    expect(Object.keys(before.uplift)).toEqual(['assisted', 'valid-only']);
    const a = before.conditions['assisted']!;
    expect(a.critique_accept_rate.value).toBeGreaterThan(0);
    expect(a.reported_per_review.ci[0]!).toBeLessThanOrEqual(a.reported_per_review.value!);
    expect(a.reported_per_review.ci[1]!).toBeGreaterThanOrEqual(a.reported_per_review.value!);
    expect(before.conditions['valid-only']!.invalid_accept_rate.value).toBeNull(); // no decoys shown
    const again = JSON.parse(await cli('metrics', '--study', 'e2e', '--json', '--bootstrap', '300', '--seed', '2', '--db', db)) as StudyMetrics;
    expect(again).toEqual(before);
  });

  it('the dashboard shows condition cards with population CIs, the task bootstrap on request with a progress bar, and exports plots as SVG', async () => {
    server = await startServe(db);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page);
    // Record whether the progress bar was ever on screen (the bootstrap can be quick).
    await page.addInitScript(() => {
      const seen = (): void => {
        if (document.querySelector('progress[aria-label="Bootstrap progress"]')) (window as unknown as { sawProgress: boolean }).sawProgress = true;
      };
      new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.goto(`${server.url}#/analysis`);
    await expect.poll(() => page.url()).toContain('#/analysis/e2e');
    const assisted = page.getByRole('region', { name: 'Condition assisted' });
    await assisted.waitFor();
    await page.getByText('95% CIs · population:two-way-cluster-robust · 12 tasks · 6 evaluators').waitFor();
    await expect.poll(() => assisted.getByRole('row', { name: /Uplift reported/ }).textContent()).toMatch(/\+\d+%.*–/);
    expect(await assisted.getByRole('row', { name: /Caught − baseline/ }).textContent()).toMatch(/[+−]\d\.\d\d.*–/);
    expect(await assisted.getByRole('row', { name: /Catch rate − baseline/ }).textContent()).toMatch(/pp.*pp/);
    expect(await page.getByRole('combobox', { name: 'Resamples' }).isDisabled()).toBe(true); // no resampling
    // the task bootstrap ("these evaluators") on request, with its progress bar
    await page.evaluate(() => ((window as unknown as { sawProgress: boolean }).sawProgress = false));
    await page.getByRole('combobox', { name: 'Intervals' }).selectOption('tasks');
    await page.getByText('95% CIs · tasks:percentile-bootstrap · 12 tasks · 6 evaluators').waitFor();
    expect(await page.evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress)).toBe(true);
    expect(await page.getByRole('region', { name: 'Condition unassisted' }).textContent()).toMatch(/baseline/);
    for (const title of ['Flaws reported and caught per review', 'Over-reliance', 'Catch rate by severity', 'Critique fate', 'Active time per review', 'Per-evaluator uplift', 'Detection by queue position']) {
      await page.getByRole('figure', { name: title }).locator('svg').first().waitFor();
    }
    // each evaluator's own uplift rests on 4 reviews per condition: no interval, so hollow dots that say why
    const uplift = page.getByRole('figure', { name: 'Per-evaluator uplift' });
    expect(await uplift.locator('g[aria-description="estimate without an interval"] circle').count()).toBe(12); // 6 evaluators × 2 conditions
    expect(await uplift.locator('g[aria-description="estimate without an interval"] circle title').first().textContent()).toMatch(/^ann · assisted: [+-]?\d+\.\d% — no interval: only 4 reviews: an interval needs at least \d+$/);
    // every estimate of the conditions has its interval: filled dots with their bars, none hollow
    const perReview = page.getByRole('figure', { name: 'Flaws reported and caught per review' });
    expect(await perReview.locator('g[aria-description="estimate with a 95% interval"] circle').count()).toBe(6); // 3 conditions × 2 measures
    expect(await perReview.locator('g[aria-description="estimate without an interval"] circle').count()).toBe(0);
    expect(await perReview.locator('g[aria-description="estimate with a 95% interval"] circle title').first().textContent()).toMatch(/^unassisted · flaws reported: \d+\.\d\d \[95% CI \d+\.\d\d, \d+\.\d\d\]$/);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Flaws reported and caught per review as SVG' }).click();
    const file = await (await download).path();
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('assisted');
    const png = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Critique fate as PNG' }).click();
    const pngBytes = fs.readFileSync(await (await png).path());
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a study resting on little shows warnings, reasons for null figures and why there are no intervals', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page);
    await page.goto(`${server!.url}#/analysis/hand-only`);
    const warnings = page.getByRole('list', { name: 'Warnings' });
    await warnings.waitFor();
    expect(await warnings.textContent()).toMatch(/unassisted: none of the 20 ground-truth flaws in its reviews can be matched automatically/);
    const card = page.getByRole('region', { name: 'Condition assisted' });
    expect(await card.getByRole('row', { name: /^Catch rate/ }).first().textContent()).toMatch(/^Catch rate—/);
    expect(await card.textContent()).toMatch(/can be matched automatically \(no anchor, and no shown critique describes it\)/);
    expect(await card.getByRole('note').textContent()).toMatch(/No interval: reviews by 2 evaluators: an interval for evaluators in general needs at least 3/);
    expect(await card.textContent()).not.toMatch(/(^|[^\d])0\.0%/); // no silent 0% anywhere
    // the plots draw an estimate without an interval as a hollow dot, its tooltip saying why; never
    // as a filled dot that reads like a precise figure
    const perReview = page.getByRole('figure', { name: 'Flaws reported and caught per review' });
    const hollow = perReview.locator('g[aria-description="estimate without an interval"] circle');
    await hollow.first().waitFor();
    expect(await perReview.locator('g[aria-description="estimate with a 95% interval"] circle').count()).toBe(0);
    expect(await perReview.locator('g[aria-description="estimate without an interval"] g[fill="var(--bg)"] circle').count()).toBe(await hollow.count()); // drawn in the background colour
    expect(await hollow.first().locator('title').textContent()).toMatch(/: \d+\.\d\d — no interval: reviews by 2 evaluators: an interval for evaluators in general needs at least 3/);
    expect(await perReview.getByText('a hollow dot has no interval').count()).toBe(1);
    // and stay hollow in the exported SVG, opened outside the app (no stylesheet, no variables)
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Flaws reported and caught per review as SVG' }).click();
    const svg = fs.readFileSync((await (await download).path())!, 'utf8');
    const outside = await browser.newPage();
    await outside.setContent(svg);
    const fills = await outside.evaluate(() => {
      const circles = [...document.querySelectorAll('g[aria-description="estimate without an interval"] circle')];
      return { fills: [...new Set(circles.map((c) => getComputedStyle(c).fill))], page: getComputedStyle(document.querySelector('svg')!).getPropertyValue('--bg').trim() };
    });
    await outside.close();
    expect(fills.page).toMatch(/^(#|rgb)/);
    expect(fills.fills).toHaveLength(1);
    expect(fills.fills[0]).not.toBe('rgb(0, 0, 0)');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a study asking the yes/no question shows the calibration card with the CLI\'s figures and a reliability plot; one without says it is off', async () => {
    const m = JSON.parse(await cli('metrics', '--study', 'calibration-demo', '--json', '--db', db)) as StudyMetrics;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page);
    await page.goto(`${server!.url}#/analysis/calibration-demo`);
    const card = page.getByRole('region', { name: 'Confidence and calibration' });
    await card.waitFor();
    expect(await card.textContent()).toContain('“Does the output contain a serious flaw?” (yes = flawed)');
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const accuracy = await card.getByRole('row', { name: /^Accuracy\b/ }).first().textContent();
    for (const name of ['unassisted', 'assisted', 'valid-only']) {
      const k = m.conditions[name]!.calibration!;
      expect(accuracy).toContain(`${pct(k.accuracy.value!)}${pct(k.accuracy.ci[0]!)} – ${pct(k.accuracy.ci[1]!)}`);
      expect(await card.getByRole('row', { name: /^Brier score/ }).textContent()).toContain(k.brier.value!.toFixed(3));
    }
    expect(await card.getByRole('row', { name: /^Over-confidence/ }).textContent()).toMatch(/[+−]\d+\.\d pp.*pp.*pp/);
    expect(await card.getByRole('row', { name: /^Over-conf\. − baseline/ }).textContent()).toMatch(/^Over-conf\. − baseline—[+−]\d+\.\d pp/);
    const plot = page.getByRole('figure', { name: 'Reliability' });
    await plot.locator('svg').first().waitFor();
    const svgText = (await plot.locator('svg').first().textContent()) ?? '';
    for (const name of ['unassisted', 'assisted', 'valid-only']) expect(svgText).toContain(name);
    const counts = m.conditions['assisted']!.calibration!.reliability.filter((b) => b.reviews > 0).map((b) => `n ${b.reviews}`);
    for (const c of counts) expect(svgText).toContain(c);
    await page.goto(`${server!.url}#/analysis/e2e`);
    await page.getByRole('region', { name: 'Condition assisted' }).waitFor();
    expect(await page.getByRole('note').filter({ hasText: 'Confidence and calibration: off' }).textContent()).toBe(
      'Confidence and calibration: off — this study asks no yes/no question (assay study create --question "…" turns it on).',
    );
    expect(await page.getByRole('figure', { name: 'Reliability' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the matching screen rules a report out, and the metrics and exports follow', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    watch(page);
    await page.goto(`${server!.url}#/analysis/e2e`);
    await page.getByRole('tab', { name: 'Matching' }).click();
    await page.getByRole('listbox', { name: 'Reports' }).waitFor();
    // an accepted critique c1 is auto-matched to f1; rule it out ("no match": it is none of the flaws)
    // a report names its task by title and id (titles need not be unique)
    const report = page.getByRole('option', { name: /^Accepted critique c1 by .* on Synthetic summary 1 \(syn-01\)$/ }).first();
    const who = (await report.getAttribute('aria-label'))!.replace(/^Accepted critique c1 by /, '').replace(/ on Synthetic summary 1 \(syn-01\)$/, '');
    expect(await report.textContent()).toContain('auto: f1');
    await report.click();
    await page.getByRole('region', { name: 'Report and flaws' }).getByText('✓ automatic match').waitFor();
    await page.keyboard.press('n');
    await page.getByRole('status').filter({ hasText: /^1 of \d+ reports ruled/ }).waitFor();
    await page.getByRole('option', { name: `Accepted critique c1 by ${who} on Synthetic summary 1 (syn-01)` }).getByText('no match').waitFor();
    expect(problems).toEqual([]);
    await page.close();

    const matches = await cli('export', 'matches', '--study', 'e2e', '--format', 'jsonl', '--db', db);
    const rows = matches.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ruled = rows.filter((r) => r['adjudication'] === 'no-match');
    // "no match" rules the report against every flaw of its task: f1 (its automatic match) and f2
    expect(ruled).toHaveLength(2);
    expect(ruled[0]).toMatchObject({ task: 'syn-01', evaluator: who, report_kind: 'critique', report: 'c1', flaw: 'f1', auto: true, counted: false });
    expect(ruled[1]).toMatchObject({ task: 'syn-01', evaluator: who, report_kind: 'critique', report: 'c1', flaw: 'f2', auto: false, counted: false });
    const after = JSON.parse(await cli('metrics', '--study', 'e2e', '--json', '--bootstrap', '0', '--db', db)) as StudyMetrics;
    const condition = ruled[0]!['condition'] as string;
    expect(after.conditions[condition]!.caught_per_review.value).toBeCloseTo(before.conditions[condition]!.caught_per_review.value! - 1 / 24, 12);
    const events = await cli('export', 'events', '--study', 'e2e', '--db', db);
    expect(events).toMatch(/adjudication,\d+,syn-01,/);
  });
});
