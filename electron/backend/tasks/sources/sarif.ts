import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { findFile, type TaskFile } from '../../../../shared/task-files.js';
import { LineTable, regionToRange16, TextIndex, type ColumnKind, type SarifTextRegion } from '../../../../shared/text-positions.js';
import type { AnyDb } from '../../db/types.js';
import { visibleTask } from '../staging.js';
import { fileText } from './code-change.js';
import { isObject, parseForeignJson, type SourceContext, type TaskSource } from './source.js';

// `assay import FILE.sarif --from sarif [--task ID]`: a SARIF 2.1.0 log's results as critiques of a
// code task that is already imported, on the file each result's artifact names: the tool's name as
// the critic (`model`), ruleId as category, level as severity, the message as text, the region as
// the anchor (columns in the run's `columnKind`; SARIF's default is unicodeCodePoints). The task
// is imported again with the critiques added, as a replacement, so the one guard refuses tasks that
// were already shown. Field by field: docs/interop.md, "SARIF".

/** The largest SARIF log read. */
const MAX_SARIF_BYTES = 256 * 1024 * 1024;

/** SARIF level → Assay severity (`none` has none). */
const SEVERITY: Readonly<Record<string, 'major' | 'minor' | undefined>> = { error: 'major', warning: 'minor', note: 'minor', none: undefined };

interface TaskRow {
  id: string;
  kind: string;
  output: string;
  base: string | null;
  files_json: string | null;
  source_json: string;
}

function loadTask(db: AnyDb, id: string): TaskRow | undefined {
  return db.prepare(`SELECT t.id, t.kind, t.output, t.base, t.files_json, t.source_json FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`).get({ id }) as TaskRow | undefined;
}

/** The multi-file code tasks that have a file for at least one of the artifact paths. */
function tasksWithFile(db: AnyDb, paths: readonly string[]): string[] {
  const rows = db.prepare(`SELECT t.id, t.files_json FROM tasks t WHERE t.kind = 'code' AND t.files_json IS NOT NULL AND ${visibleTask('t')} ORDER BY t.seq`).iterate() as Iterable<{ id: string; files_json: string }>;
  const out: string[] = [];
  for (const r of rows) {
    const files = JSON.parse(r.files_json) as TaskFile[];
    if (paths.some((p) => matchFile(files.map((f) => f.path), p) !== null)) out.push(r.id);
  }
  return out;
}

/**
 * The task file an artifact path names: the path itself, or the longest task path that ends it at a
 * folder boundary (a linter run on a checkout reports `file:///home/u/repo/src/a.js` for `src/a.js`).
 */
export function matchFile(paths: readonly string[], artifact: string): string | null {
  let best: string | null = null;
  for (const p of paths) {
    if ((artifact === p || artifact.endsWith(`/${p}`)) && (best === null || p.length > best.length)) best = p;
  }
  return best;
}

/** The path of an artifact URI: `file://` URIs and relative references, percent-decoded; null for other schemes. */
export function artifactPath(uri: string): string | null {
  let p = uri;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  if (scheme && scheme[1]!.length > 1) {
    if (scheme[1]!.toLowerCase() !== 'file') return null;
    p = uri.replace(/^file:(\/\/[^/]*)?/i, '');
  }
  try {
    p = decodeURIComponent(p);
  } catch {
    return null;
  }
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** The text of a SARIF message: `text`, or the rule's message string with `{0}`… arguments; markdown as a fallback. */
function messageText(message: unknown, rule: Record<string, unknown> | undefined): string | null {
  if (!isObject(message)) return null;
  if (typeof message['text'] === 'string') return message['text'];
  const args = Array.isArray(message['arguments']) ? message['arguments'].map(String) : [];
  const strings = rule && isObject(rule['messageStrings']) ? rule['messageStrings'] : undefined;
  const id = message['id'];
  const entry = typeof id === 'string' && strings ? strings[id] : undefined;
  const template = isObject(entry) ? (typeof entry['text'] === 'string' ? entry['text'] : typeof entry['markdown'] === 'string' ? entry['markdown'] : null) : null;
  if (template !== null) return template.replace(/\{(\d+)\}/g, (all, n: string) => args[Number(n)] ?? all);
  if (typeof message['markdown'] === 'string') return message['markdown'];
  return null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `--from sarif`. */
export const sarifSource: TaskSource = {
  name: 'sarif',
  summary: "a SARIF 2.1.0 log (a linter's or a model reviewer's results) as critiques of an imported code task (--task ID)",
  extensions: ['.sarif'],
  mapping: 'none',
  locate: () => '',
  columnNoun: 'key',
  takes: ['task', 'columnKind'],
  changesTasks: true,
  read(ctx) {
    readSarif(ctx);
    return Promise.resolve();
  },
};

function readSarif(ctx: SourceContext): void {
  const size = fs.statSync(ctx.file).size;
  if (size > MAX_SARIF_BYTES) {
    ctx.error(null, '(file)', `larger than ${MAX_SARIF_BYTES / (1024 * 1024)} MiB`);
    return;
  }
  const decoded = fileText(fs.readFileSync(ctx.file));
  if (!decoded.ok) {
    ctx.error(null, '(file)', 'not UTF-8 text');
    return;
  }
  // SECURITY: the log is untrusted: parsed with the nesting limit and surrogate checks; every
  // value read is type-checked; message texts become critique texts (shown as text, never HTML).
  const parsed = parseForeignJson(decoded.text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) {
    ctx.error(null, parsed.field, parsed.message);
    return;
  }
  const log = parsed.value;
  if (!isObject(log) || !Array.isArray(log['runs'])) {
    ctx.error(null, 'runs', 'not a SARIF log: expected an object with "runs" (an array)');
    return;
  }
  if (log['version'] !== '2.1.0') {
    ctx.error(null, 'version', `expected SARIF "2.1.0" (got ${JSON.stringify(log['version'])})`);
    return;
  }
  const runs = log['runs'] as unknown[];

  // Which task: --task, else the one code task holding every artifact the results name.
  const uris: string[] = [];
  runs.forEach((run) => {
    if (!isObject(run) || !Array.isArray(run['results'])) return;
    for (const r of run['results']) {
      const loc = isObject(r) && Array.isArray(r['locations']) ? r['locations'][0] : undefined;
      const uri = isObject(loc) && isObject(loc['physicalLocation']) && isObject(loc['physicalLocation']['artifactLocation']) ? str(loc['physicalLocation']['artifactLocation']['uri']) : undefined;
      const p = uri === undefined ? null : artifactPath(uri);
      if (p !== null) uris.push(p);
    }
  });
  let taskId = ctx.options.task;
  if (taskId === undefined) {
    const candidates = uris.length ? tasksWithFile(ctx.db, [...new Set(uris)]) : [];
    if (candidates.length !== 1) {
      ctx.error(null, '--task', candidates.length === 0 ? 'no imported multi-file code task has a file the results name: give --task ID' : `several tasks have files the results name (${candidates.slice(0, 5).map((c) => JSON.stringify(c)).join(', ')}): give --task ID`);
      return;
    }
    taskId = candidates[0]!;
  }
  const row = loadTask(ctx.db, taskId);
  if (!row) {
    ctx.error(null, '--task', `no task "${taskId}"`);
    return;
  }
  if (row.kind !== 'code') {
    ctx.error(null, '--task', `task "${taskId}" is a ${row.kind} task: SARIF results go to code tasks`);
    return;
  }
  const task = JSON.parse(row.source_json) as Record<string, unknown>;
  const files = row.files_json ? (JSON.parse(row.files_json) as TaskFile[]) : null;
  const existing = Array.isArray(task['critiques']) ? (task['critiques'] as Record<string, unknown>[]) : [];
  const ids = new Set(existing.map((c) => c['id']));
  const added: Record<string, unknown>[] = [];
  let skipped = 0;
  let duplicates = 0;

  runs.forEach((run, ri) => {
    const at = (rest: string): string => `runs[${ri}]${rest}`;
    if (!isObject(run)) {
      ctx.error(at(''), '(run)', 'expected an object');
      return;
    }
    const driver = isObject(run['tool']) && isObject(run['tool']['driver']) ? run['tool']['driver'] : undefined;
    const tool = str(driver?.['name']);
    if (tool === undefined) {
      ctx.error(at('.tool.driver.name'), 'tool', 'the run names no tool (tool.driver.name)');
      return;
    }
    const version = str(driver?.['semanticVersion']) ?? str(driver?.['version']);
    const declared = run['columnKind'];
    if (declared !== undefined && declared !== 'utf16CodeUnits' && declared !== 'unicodeCodePoints') {
      ctx.error(at('.columnKind'), 'columnKind', `expected "utf16CodeUnits" or "unicodeCodePoints" (got ${JSON.stringify(declared)})`);
      return;
    }
    // SARIF's default is unicodeCodePoints; tools on UTF-16 platforms (ESLint, .NET) count UTF-16
    // units without saying so: --column-kind says what such a log means.
    const kind: ColumnKind = (declared as ColumnKind | undefined) ?? ctx.options.columnKind ?? 'unicodeCodePoints';
    const newlines = Array.isArray(run['newlineSequences']) && run['newlineSequences'].every((s) => typeof s === 'string' && s !== '') ? (run['newlineSequences'] as string[]) : undefined;
    const rules = driver && Array.isArray(driver['rules']) ? driver['rules'].filter(isObject) : [];
    const ruleById = new Map<string, Record<string, unknown>>();
    for (const r of rules) if (typeof r['id'] === 'string') ruleById.set(r['id'], r);
    const results = run['results'];
    if (results === undefined || results === null) return;
    if (!Array.isArray(results)) {
      ctx.error(at('.results'), 'results', 'expected an array');
      return;
    }
    const tables = new Map<string, LineTable>();
    results.forEach((result, k) => {
      const where = at(`.results[${k}]`);
      if (!isObject(result)) {
        ctx.error(where, '(result)', 'expected an object');
        return;
      }
      if (Array.isArray(result['suppressions']) && result['suppressions'].length > 0) {
        skipped++;
        ctx.warn(where, 'left out: suppressed in the log');
        return;
      }
      const ruleIndex = result['ruleIndex'];
      const ruleId = str(result['ruleId']) ?? (isObject(result['rule']) ? str(result['rule']['id']) : undefined) ?? (typeof ruleIndex === 'number' ? str(rules[ruleIndex]?.['id']) : undefined);
      const rule = ruleId !== undefined ? ruleById.get(ruleId) : typeof ruleIndex === 'number' ? rules[ruleIndex] : undefined;
      const text = messageText(result['message'], rule);
      if (text === null) {
        ctx.error(where, 'message', 'the result has no message text (message.text, or message.id with the rule\'s messageStrings)');
        return;
      }
      const levelRaw = result['level'] ?? (isObject(rule?.['defaultConfiguration']) ? rule['defaultConfiguration']['level'] : undefined) ?? 'warning';
      if (typeof levelRaw !== 'string' || !(levelRaw in SEVERITY)) {
        ctx.error(where, 'level', `expected "error", "warning", "note" or "none" (got ${JSON.stringify(levelRaw)})`);
        return;
      }
      const level = levelRaw;
      // the first location is the result's place (SARIF §3.27.12); others are not read
      const loc = Array.isArray(result['locations']) ? result['locations'][0] : undefined;
      const phys = isObject(loc) && isObject(loc['physicalLocation']) ? loc['physicalLocation'] : undefined;
      const artifact = phys && isObject(phys['artifactLocation']) ? phys['artifactLocation'] : undefined;
      let uri = str(artifact?.['uri']);
      if (uri === undefined && artifact && typeof artifact['index'] === 'number' && Array.isArray(run['artifacts'])) {
        const a = run['artifacts'][artifact['index']];
        if (isObject(a) && isObject(a['location'])) uri = str(a['location']['uri']);
      }
      let anchor: Record<string, unknown> | undefined;
      let filePath: string | undefined;
      if (uri !== undefined) {
        const p = artifactPath(uri);
        const target = p === null ? null : files ? matchFile(files.map((f) => f.path), p) : null;
        if (files && target === null) {
          skipped++;
          ctx.warn(where, `left out: ${JSON.stringify(uri)} is not a file of task "${taskId}"`);
          return;
        }
        filePath = target ?? undefined;
        const file = target !== null && files ? findFile(files, target)! : null;
        const deleted = file?.deleted === true;
        const textOf = deleted ? (file!.base ?? '') : file ? file.output : row.output;
        const region = isObject(phys?.['region']) ? (phys['region'] as SarifTextRegion) : undefined;
        if (region) {
          const key = `${filePath ?? ''}\u0000${deleted}`;
          let table = tables.get(key);
          if (!table) tables.set(key, (table = new LineTable(textOf, newlines)));
          const range = regionToRange16(textOf, region, kind, table);
          if (!range.ok) {
            ctx.error(`${where}.locations[0].physicalLocation.region`, 'region', `${range.message}${filePath !== undefined ? ` in ${JSON.stringify(filePath)}` : ''}`);
            return;
          }
          if (kind === 'unicodeCodePoints' && declared === undefined && range.columns && /[\uD800-\uDFFF]/.test(textOf.slice(table.start16(table.lineAt16(range.start16)), range.end16))) {
            ctx.warn(where, `the log does not declare columnKind and this line has characters outside the BMP: columns read as code points (SARIF's default); give --column-kind utf16CodeUnits if the tool counts UTF-16 units (ESLint does)`);
          }
          const index = new TextIndex(textOf);
          const path = filePath !== undefined ? { path: filePath } : {};
          if (range.columns && range.end16 > range.start16 && !deleted) anchor = { start: index.toCodePoint(range.start16), end: index.toCodePoint(range.end16), ...path };
          else {
            const first = index.lineAt16(range.start16);
            const last = index.lineAt16(Math.max(range.start16, range.end16 - 1));
            anchor = { lines: [first, last], ...(deleted ? { side: 'base' } : {}), ...path };
          }
        }
      }
      const severity = SEVERITY[level];
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([tool, ruleId ?? null, filePath ?? null, anchor ?? null, text]))
        .digest('hex')
        .slice(0, 12);
      const id = `sarif-${tool}-${ruleId ?? 'result'}-${fingerprint}`;
      if (ids.has(id)) {
        duplicates++;
        ctx.warn(where, `left out: the task already has this result (critique "${id}")`);
        return;
      }
      ids.add(id);
      added.push({
        id,
        text,
        ...(anchor ? { anchor } : {}),
        ...(severity ? { severity } : {}),
        ...(ruleId !== undefined ? { category: ruleId } : {}),
        model: tool,
        sarif: { tool: { name: tool, ...(version ? { version } : {}) }, level, ...(ruleId !== undefined ? { ruleId } : {}), ...(uri !== undefined ? { uri } : {}) },
      });
    });
  });
  if (ctx.failed) return;
  if (added.length === 0 && duplicates === 0) {
    // (a log whose results are all on the task already imports it unchanged: importing twice is harmless)
    ctx.error(null, 'results', skipped > 0 ? `no result left to add to task "${taskId}" (${skipped} left out: see the warnings)` : 'the log has no results');
    return;
  }
  ctx.emit({ ...task, critiques: [...existing, ...added] }, 0);
}
