import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { startServe } from '../../test/helpers/server.js';
import { diffLines } from 'diff';
import type { BenchSection } from '../section.js';
import { percentile } from '../stats.js';

/** A small deterministic generator (LCG), so every run measures the same tasks. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const words = 'the of council river bridge repair grant budget summer winter people market report figure study trial result evidence claim quote review model'.split(' ');

/** A code diff: 2,000 lines of base, ~5% of them changed in the output, 50 line critiques. */
export function syntheticCodeTask(id: string, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const base: string[] = [];
  for (let i = 0; i < 2000; i++) base.push(i % 40 === 0 ? `def f_${i}(x, y):` : `    v_${i} = x * ${Math.floor(r() * 100)} + y  # ${words[i % words.length]}`);
  const output = base.map((l) => (r() < 0.05 ? l.replace('x *', 'x -') + ' # changed' : l));
  const critiques = Array.from({ length: 50 }, (_, k) => {
    const first = 1 + Math.floor(r() * 1990);
    return { id: `c${k + 1}`, text: `Line ${first}: this arithmetic looks wrong (${k}).`, anchor: { lines: [first, first + Math.floor(r() * 4)] }, severity: 'minor' };
  });
  return { id, kind: 'code', title: `Synthetic diff ${id}`, language: 'python', base: `${base.join('\n')}\n`, output: `${output.join('\n')}\n`, critiques };
}

/** Lines added plus lines removed between two texts, as a line diff counts them. */
export function changedLines(base: string, output: string): number {
  return diffLines(base, output).reduce((n, part) => n + (part.added || part.removed ? (part.count ?? 0) : 0), 0);
}

/**
 * A pull request: 50 files (46 modified, 2 new, 2 deleted) with 20,000 changed lines in all (a line
 * diff's added plus removed lines), one line critique per file and a few on the old side.
 */
export function syntheticMultiFileTask(id: string, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const lines = (file: number, n: number): string[] =>
    Array.from({ length: n }, (_, i) => (i % 30 === 0 ? `def f_${file}_${i}(x, y):` : `    v_${i} = x * ${Math.floor(r() * 100)} + y  # ${words[(i + file) % words.length]}`));
  const files: Record<string, unknown>[] = [];
  const critiques: Record<string, unknown>[] = [];
  for (let k = 0; k < 50; k++) {
    const path = `src/pkg_${Math.floor(k / 10)}/module_${k}.py`;
    if (k === 7 || k === 31) {
      files.push({ path, output: `${lines(k, 400).join('\n')}\n` }); // new: 400 added lines
    } else if (k === 19 || k === 42) {
      files.push({ path, base: `${lines(k, 400).join('\n')}\n`, output: '', deleted: true }); // 400 removed lines
    } else {
      // 600 lines, every third changed: 200 removed + 200 added
      const base = lines(k, 600);
      const output = base.map((l, i) => (i % 3 === 1 ? `${l.replace('x *', 'x -')} # changed` : l));
      files.push({ path, base: `${base.join('\n')}\n`, output: `${output.join('\n')}\n` });
    }
    const deleted = k === 19 || k === 42;
    const added = k === 7 || k === 31;
    const first = 1 + Math.floor(r() * 390);
    critiques.push({
      id: `c${k + 1}`,
      text: `${path} line ${first}: this arithmetic looks wrong (${k}).`,
      anchor: { path, lines: [first, first + Math.floor(r() * 3)], ...(deleted || (k % 9 === 4 && !added) ? { side: 'base' } : {}) },
      severity: 'minor',
    });
  }
  return { id, kind: 'code', title: `Synthetic pull request ${id}`, language: 'python', files, critiques };
}

/** A summary of a 50,000-word document with 20 anchored critiques and evidence. */
export function syntheticSummaryTask(id: string, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const paragraphs: string[] = [];
  let count = 0;
  let p = 0;
  while (count < 50_000) {
    const n = 60 + Math.floor(r() * 80);
    const para = Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join(' ');
    paragraphs.push(`Evidence marker ${p}: ${para}.`);
    count += n + 3;
    p++;
  }
  const output = Array.from({ length: 20 }, (_, k) => `Claim number ${k} says the ${words[k]} changed.`).join(' ');
  const critiques = Array.from({ length: 20 }, (_, k) => ({
    id: `c${k + 1}`,
    text: `Claim ${k} is not supported by the document.`,
    anchor: { quote: `Claim number ${k} says` },
    evidence: [{ anchor: { quote: `Evidence marker ${Math.floor(r() * p)}:` } }],
  }));
  return { id, kind: 'summary', title: `Synthetic long document ${id}`, output, context: { query: 'Summarise.', document: paragraphs.join('\n\n') }, critiques };
}

/** A V8 CPU profile as CDP's Profiler.stop returns it (the fields used here). */
interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** The functions with the most self time over several profiles, and the time below each React/Monaco entry point. */
function profileSummary(profiles: readonly CpuProfile[]): string {
  const self = new Map<string, number>();
  let total = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    (p.samples ?? []).forEach((id, i) => {
      const dt = (p.timeDeltas?.[i] ?? 0) / 1000;
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    });
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  const per = (ms: number): string => (ms / profiles.length).toFixed(2).padStart(7);
  return `profile: ${profiles.length} transitions, ${per(total)} ms sampled per transition\n${top.map(([k, ms]) => `${per(ms)} ms  ${k}`).join('\n')}\n`;
}

/** A Chromium trace (the fields used here). */
interface Trace {
  readonly traceEvents: readonly { name: string; ph: string; ts: number; dur?: number; tid: number; args?: { beginData?: { stackTrace?: { functionName: string; url: string; lineNumber: number }[] }; data?: { stackTrace?: { functionName: string; url: string; lineNumber: number }[] } } }[];
}

/**
 * The renderer main thread's work per transition, by event name, from the bench's start mark to
 * the end of the trace: total duration of the outermost events, and of style and layout wherever
 * they happen (forced synchronously inside script, or in a frame), with who forced layout.
 */
function traceSummary(traces: readonly Trace[]): string {
  const total = new Map<string, number>();
  const forced = new Map<string, number>();
  for (const t of traces) {
    const start = t.traceEvents.find((e) => e.name === 'bench-next-start');
    const end = t.traceEvents.find((e) => e.name === 'bench-next-ready');
    if (!start || !end) continue;
    const main = start.tid;
    const events = t.traceEvents.filter((e) => e.tid === main && e.ph === 'X' && e.ts >= start.ts && e.ts < end.ts && e.dur !== undefined);
    for (const e of events) {
      if (!['Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Layerize', 'FunctionCall', 'EvaluateScript', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame', 'ParseHTML', 'HitTest', 'Commit', 'RunTask', 'ScheduleStyleRecalculation', 'IntersectionObserverController::computeIntersections', 'UpdateLayer', 'ResizeObserver::handleObservations'].includes(e.name)) continue;
      total.set(e.name, (total.get(e.name) ?? 0) + e.dur! / 1000);
      if (e.name === 'Layout' || e.name === 'UpdateLayoutTree') {
        const frame = (e.args?.beginData ?? e.args?.data)?.stackTrace?.[0];
        if (frame) {
          const k = `${e.name} forced by ${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber}`;
          forced.set(k, (forced.get(k) ?? 0) + e.dur! / 1000);
        }
      }
    }
  }
  const per = (ms: number): string => (ms / traces.length).toFixed(2).padStart(7);
  const rows = (m: Map<string, number>): string => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, ms]) => `${per(ms)} ms  ${k}`).join('\n');
  return `trace: ${traces.length} transitions (events overlap: RunTask contains the rest)\n${rows(total)}\nforced synchronously:\n${rows(forced)}\n`;
}

/**
 * In Chromium: the time from asking for the next queue item to the end of the first frame that
 * shows its workspace whole (content rendered, code decorations set; the frame's style, layout and
 * paint included), with the app's prefetch working as it does for an evaluator who spends a moment
 * on each item. Without a goal: the time until the page's main thread is next idle (the item's
 * effects and the start of the following item's prefetch, after the frame), and the next file (key
 * `]`) within the last 50-file change.
 */
export const nextItemSection: BenchSection = {
  name: 'review: next item',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-next-'));
    const dbPath = path.join(dir, 'bench.db');
    // 20 transitions per kind: the p95 is then the 19th value, not the maximum (fewer for a quick profile)
    const perKind = Number(process.env['ASSAY_BENCH_NEXT_PER_KIND'] ?? 21);
    const db = openDatabase(dbPath);
    const tasks: Record<string, unknown>[] = [];
    // ASSAY_BENCH_NEXT_KINDS=code,summary leaves the 50-file change out (to compare with a build
    // from before multi-file tasks, through ASSAY_DIST).
    const kinds = new Set((process.env['ASSAY_BENCH_NEXT_KINDS'] ?? 'code,summary,multi').split(','));
    for (let i = 0; i < perKind; i++) {
      if (kinds.has('code')) tasks.push(syntheticCodeTask(`code-${i}`, 100 + i));
      if (kinds.has('summary')) tasks.push(syntheticSummaryTask(`doc-${i}`, 200 + i));
      if (kinds.has('multi')) tasks.push(syntheticMultiFileTask(`multi-${i}`, 300 + i));
    }
    importTasks(db, tasks);
    createEvaluator(db, 'Bench');
    ensurePracticeQueue(db, 'bench');
    const queue = getQueue(db, 'bench');
    db.close();

    const server = await startServe(dbPath);
    const browser = await launchChromium();
    type Kind = 'code' | 'summary' | 'multi';
    const times: Record<Kind, number[]> = { code: [], summary: [], multi: [] };
    const idleTimes: Record<Kind, number[]> = { code: [], summary: [], multi: [] };
    const fileTimes: number[] = [];
    const kindOf = (q: (typeof queue)[number]): Kind => (q.taskId.startsWith('multi-') ? 'multi' : q.kind);
    // ASSAY_BENCH_PROFILE=code (or summary, or both, comma-separated): a CPU profile of those
    // transitions in Chromium, summed, with the functions that took the most time printed.
    const profileKinds = new Set((process.env['ASSAY_BENCH_PROFILE'] ?? '').split(',').filter(Boolean));
    const profiles: CpuProfile[] = [];
    // ASSAY_BENCH_TRACE=code: a Chromium trace of those transitions: time in style, layout, paint
    // and script between the request and the first frame after the item is ready.
    const traceKinds = new Set((process.env['ASSAY_BENCH_TRACE'] ?? '').split(',').filter(Boolean));
    const traces: Trace[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const cdp = profileKinds.size > 0 ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      }
      await page.goto(server.url);
      await page.evaluate("localStorage.setItem('assay.evaluator', 'bench')");
      await page.goto(`${server.url}#/review/${queue[0]!.id}`);
      await page.reload();
      await page.locator(`[data-review-item="${queue[0]!.id}"]`).waitFor();
      for (let i = 1; i < queue.length; i++) {
        const item = queue[i]!;
        const kind = kindOf(item);
        await page.waitForTimeout(2500); // the evaluator looks at the current item (for seconds, really); prefetch runs
        const prep = process.env['ASSAY_BENCH_VERBOSE'] ? await page.evaluate("document.querySelectorAll('.code-stage .code-view-editor:not(.on-stage)').length") : 0;
        const profiling = profileKinds.has(kind);
        if (profiling) await cdp!.send('Profiler.start');
        const tracing = traceKinds.has(kind);
        if (tracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', ...(process.env['ASSAY_BENCH_TRACE_MORE'] ?? '').split(',').filter(Boolean)] });
        if (tracing || profiling) await page.evaluate("performance.mark('bench-next-start')");
        // A string, not a function: tsx would wrap inner functions in a helper the page lacks.
        const [ms, idle] = (await page.evaluate(`new Promise((resolve) => {
          const started = performance.now();
          const ready = () => {
            const ws = document.querySelector('[data-review-item="${item.id}"]');
            if (!ws) return false;
            if (${kind === 'summary'}) return ws.querySelector('.chunked-text .chunk') !== null;
            if (${kind === 'multi'} && !ws.querySelector('.file-list [aria-current]')) return false;
            // the editor lives in the stage, placed over its host, which names it by aria-owns
            // (before this branch it was inside the host: ASSAY_DIST can point at such a build)
            const host = ws.querySelector('[data-code-ready]');
            if (host && host.querySelector('.cq-glyph')) return true;
            const editor = host && document.getElementById(host.getAttribute('aria-owns') ?? '');
            return !!editor && editor.classList.contains('on-stage') && editor.querySelector('.cq-glyph') !== null;
          };
          // Checked at the start of every frame: the first frame that finds the item whole paints it;
          // the time is taken when that frame's work on the main thread (style, layout, paint) is
          // over — by a task posted now at the highest priority, so that it runs as soon as the
          // frame is done and not after tasks the page queued earlier (they run after the frame).
          const frame = () => {
            if (!ready()) return requestAnimationFrame(frame);
            const done = () => {
              performance.mark('bench-next-ready');
              const shown = performance.now() - started;
              // and when the main thread is next idle: the work the item's effects and the prefetch
              // of the one after it leave behind the frame (not part of the time to show it)
              requestIdleCallback(() => resolve([shown, performance.now() - started]), { timeout: 5000 });
            };
            if (window.scheduler && window.scheduler.postTask) return void window.scheduler.postTask(done, { priority: 'user-blocking' });
            const channel = new MessageChannel();
            channel.port1.onmessage = done;
            channel.port2.postMessage(0);
          };
          // as the app's navigate() asks for it (router.ts): a history entry, and the router's event
          history.pushState(history.state, '', '#/review/${item.id}');
          window.dispatchEvent(new Event('assay:location'));
          requestAnimationFrame(frame);
        })`)) as [number, number];
        times[kind].push(ms);
        idleTimes[kind].push(idle);
        if (profiling) profiles.push((await cdp!.send('Profiler.stop')).profile);
        if (tracing) {
          const raw = (await browser.stopTracing()).toString('utf8');
          if (process.env['ASSAY_BENCH_TRACE_FILE']) fs.writeFileSync(process.env['ASSAY_BENCH_TRACE_FILE'].replace('%d', String(i)), raw); // %d: one file per transition
          traces.push(JSON.parse(raw) as Trace);
        }
        if (process.env["ASSAY_BENCH_VERBOSE"]) process.stderr.write(`${kind} ${ms.toFixed(1)} idle ${idle.toFixed(1)} prepared=${prep}\n`);
      }
      // Within the last 50-file change: the next file (key ]), from the key to the end of the first
      // frame that shows that file's code — its editor is made when asked, not prepared ahead.
      if (kinds.has('multi') && kindOf(queue[queue.length - 1]!) === 'multi') {
        await page.locator('body').click({ position: { x: 5, y: 5 } });
        for (let i = 0; i < 20; i++) {
          await page.waitForTimeout(400);
          const before = await page.locator('.file-head-path').textContent();
          // the promise is kept in the page (not returned: evaluate would wait for it before the key)
          await page.evaluate(`window.__benchFile = new Promise((resolve) => {
            let started = 0;
            const frame = () => {
              const shown = document.querySelector('.file-head-path')?.textContent;
              const host = document.querySelector('.ws-change [data-code-ready]');
              const editor = host && document.getElementById(host.getAttribute('aria-owns') ?? '');
              if (shown === ${JSON.stringify(before)} || !editor || !editor.classList.contains('on-stage') || !editor.querySelector('.view-line')) return requestAnimationFrame(frame);
              scheduler.postTask(() => resolve(performance.now() - started), { priority: 'user-blocking' });
            };
            addEventListener('keydown', () => { started = performance.now(); requestAnimationFrame(frame); }, { once: true, capture: true });
          }); undefined`);
          await page.keyboard.press(']');
          fileTimes.push((await page.evaluate('window.__benchFile')) as number);
        }
      }
      if (profiles.length > 0) process.stderr.write(profileSummary(profiles));
      if (traces.length > 0) process.stderr.write(traceSummary(traces));
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // A prefetched code item should appear within three frames (issue 14): 50 ms for the single file.
    const goals: Record<Kind, { label: string; goal: number }> = {
      code: { label: '2,000-line diff, 50 critiques', goal: 50 },
      multi: { label: '50 files, 20,000 changed lines', goal: 100 },
      summary: { label: '50,000-word document', goal: 100 },
    };
    const figures = (['code', 'multi', 'summary'] as const).filter((k) => kinds.has(k)).flatMap((kind) => {
      const { label, goal } = goals[kind];
      const p95 = percentile(times[kind], 0.95);
      return [
        { name: `next item p50 (${label})`, value: percentile(times[kind], 0.5), unit: 'ms' },
        { name: `next item p95 (${label})`, value: p95, unit: 'ms', goal: `≤ ${goal} ms`, pass: p95 <= goal },
        { name: `next item p95 / goal (${label})`, value: p95 / goal, unit: '×' },
        { name: `next item, page idle again (server replies included), p95 (${label})`, value: percentile(idleTimes[kind], 0.95), unit: 'ms' },
      ];
    });
    if (fileTimes.length > 0) {
      figures.push(
        { name: 'next file (]) in the 50-file change p50', value: percentile(fileTimes, 0.5), unit: 'ms' },
        { name: 'next file (]) in the 50-file change p95', value: percentile(fileTimes, 0.95), unit: 'ms' },
      );
    }
    if (kinds.has('multi') && kinds.has('code')) {
      figures.push({ name: 'next item p95 ratio: 50-file change / single-file diff', value: percentile(times.multi, 0.95) / percentile(times.code, 0.95), unit: '×' });
    }
    return figures;
  },
};
