import { resolveAnchor, TextIndex } from '../../../shared/anchors.js';
import type { TaskDetail, TaskFacets, TaskPage, TaskQuery, TaskRow, TaskSort } from '../../../shared/contract/tasks.js';
import { TaskQuerySchema } from '../../../shared/contract/tasks.js';
import { AppError, assertNever } from '../../../shared/result.js';
import { parseSearch, snippet } from '../../../shared/task-search.js';
import { AnchorSchema, SeveritySchema, type Anchor } from '../../../shared/task-format.js';
import type { AnyDb } from '../db/types.js';
import { cachedStatement as stmt } from '../db/statements.js';
import { taskChangeRefusal } from './guard.js';
import { deletionRefusal } from './delete.js';
import { getTaskView } from './repository.js';
import { visibleTask } from './staging.js';

// The task browser (issue #12). Filters, counts and sorts read `task_facets` (one narrow row per
// task) and search reads the FTS5 index `task_search` (migration 10); only the page shown reads task
// rows, whose long texts live on overflow pages. Every query keeps to visible tasks (`visibleTask`):
// a file still being imported is not listed.

/** SQL true when the task `alias.task_id` is in a study: a study of this database, or one known from an opened pack. */
export function inAnyStudySql(alias: string): string {
  return `${alias}.task_id IN (SELECT task_id FROM study_tasks UNION SELECT task_id FROM queue_items WHERE study <> '')`;
}

/** Search weights of the index's columns (title, id, text): a hit in the title or id counts most. */
const bm25 = 'bm25(task_search, 8.0, 8.0, 1.0)';

/**
 * Above this many matches, "best match" is not computed (ranking every match of a word found in
 * most tasks takes long and says little): the results come in import order, and the page says so.
 */
export const RANK_LIMIT = 5_000;

interface FacetRow {
  seq: number;
  task_id: string;
  kind: 'summary' | 'code';
  source: string | null;
  critiques: number;
  flaws: number;
  anchored_flaws: number;
}

/** Characters of the output read for a row's snippet: enough to find a term near the start. */
const snippetScan = 20_000;

/** True while an import is staging rows (then every query must leave them out). */
function importsStaging(db: AnyDb): boolean {
  return stmt(db, `SELECT 1 FROM import_batches WHERE state = 'staging' LIMIT 1`).get() !== undefined;
}

/**
 * A page of the task browser: the tasks matching the search text and filters, in the order asked
 * for, and how many match in all (unless `withTotal` is false: the next pages of the same search).
 * Search text without a letter or digit searches for nothing.
 */
export function searchTasks(db: AnyDb, query: TaskQuery): TaskPage {
  const parsed = TaskQuerySchema.safeParse(query);
  if (!parsed.success) throw new AppError('invalid-input', parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; '));
  const q = parsed.data;
  const search = parseSearch(q.q);
  let sort: TaskSort = q.sort === 'relevance' || q.sort === undefined ? (search.match ? 'relevance' : 'import') : q.sort;

  // The facets are joined only when a filter or an order needs them, or an import is staging:
  // a plain text search is answered by the index alone, in its own (rowid = import) order.
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  let needsFacets = importsStaging(db);
  if (needsFacets) where.push(visibleTask('f'));
  if (search.match) {
    where.push('task_search MATCH $match');
    params['match'] = search.match;
  }
  const facet = (sql: string): void => {
    needsFacets = true;
    where.push(sql);
  };
  if (q.kind) {
    facet('f.kind = $kind');
    params['kind'] = q.kind;
  }
  for (const h of new Set(q.has)) {
    switch (h) {
      case 'critiques':
        facet('f.critiques > 0');
        break;
      case 'no-critiques':
        facet('f.critiques = 0');
        break;
      case 'flaws':
        facet('f.flaws > 0');
        break;
      case 'no-flaws':
        facet('f.flaws = 0');
        break;
      case 'anchored-flaws':
        facet('f.anchored_flaws > 0');
        break;
      default:
        assertNever(h, 'filter');
    }
  }
  if (q.study !== undefined) {
    // driven from the study's task list (an index lookup per task of the study), not a scan
    facet('f.task_id IN (SELECT st.task_id FROM study_tasks st JOIN studies ss ON ss.id = st.study_id WHERE ss.name = $study)');
    params['study'] = q.study;
  }
  if (q.inStudy === 'any') facet(inAnyStudySql('f'));
  if (q.inStudy === 'none') facet(`NOT ${inAnyStudySql('f')}`);
  if (q.source !== undefined) {
    facet('f.source = $source');
    params['source'] = q.source;
  }
  if (!search.match || !['relevance', 'import', 'newest'].includes(sort)) needsFacets = true;

  const from = search.match ? (needsFacets ? 'task_search JOIN task_facets f ON f.seq = task_search.rowid' : 'task_search') : 'task_facets f';
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = q.withTotal || q.offset === 0 ? (stmt(db, `SELECT count(*) AS n FROM ${from} ${whereSql}`).get(params) as { n: number }).n : null;
  const seqCol = search.match ? 'task_search.rowid' : 'f.seq';
  let unranked = false;
  if (sort === 'relevance' && total !== null && total > RANK_LIMIT) {
    sort = 'import';
    unranked = true;
  } else if (sort === 'relevance' && total === null) {
    // a later page of a search that was ranked (or not) on its first page: the same rule, counted again
    const n = (stmt(db, `SELECT count(*) AS n FROM ${from} ${whereSql}`).get(params) as { n: number }).n;
    if (n > RANK_LIMIT) {
      sort = 'import';
      unranked = true;
    }
  }
  let order: string;
  const pageParams: Record<string, string | number> = { ...params, limit: q.limit, offset: q.offset };
  switch (sort) {
    case 'relevance': {
      // an exact id first, then by weighted BM25
      const exact = stmt(db, 'SELECT seq FROM tasks WHERE id = $id').get({ id: q.q.trim() }) as { seq: number } | undefined;
      pageParams['exact'] = exact?.seq ?? -1;
      order = `ORDER BY (${seqCol} = $exact) DESC, ${bm25}, ${seqCol}`;
      break;
    }
    case 'import':
      order = `ORDER BY ${seqCol}`;
      break;
    case 'newest':
      order = `ORDER BY ${seqCol} DESC`;
      break;
    case 'title':
      order = 'ORDER BY f.sort_title COLLATE NOCASE, f.seq';
      break;
    case 'id':
      order = 'ORDER BY f.task_id';
      break;
    case 'critiques':
      order = 'ORDER BY f.critiques DESC, f.seq';
      break;
    case 'flaws':
      order = 'ORDER BY f.flaws DESC, f.seq';
      break;
    default:
      order = assertNever(sort, 'sort');
  }
  const seqs = total === 0 ? [] : (stmt(db, `SELECT ${seqCol} AS seq FROM ${from} ${whereSql} ${order} LIMIT $limit OFFSET $offset`).all(pageParams) as { seq: number }[]).map((r) => r.seq);
  return { total, items: pageRows(db, seqs, search.terms), sort, unranked, terms: [...search.terms], ignored: [...search.ignored] };
}

/** The rows of a page, in the order of `seqs`: three queries for the whole page, not three per row. */
function pageRows(db: AnyDb, seqs: readonly number[], terms: readonly string[]): TaskRow[] {
  if (seqs.length === 0) return [];
  const list = JSON.stringify(seqs);
  const facets = new Map(
    (
      stmt(db, 'SELECT seq, task_id, kind, source, critiques, flaws, anchored_flaws FROM task_facets WHERE seq IN (SELECT value FROM json_each($list))').all({ list }) as FacetRow[]
    ).map((r) => [r.seq, r]),
  );
  const tasks = new Map(
    (
      stmt(
        db,
        // a multi-file task has no output of its own: its row counts its files and its snippet lists their paths
        `SELECT seq, title, language, base IS NOT NULL AS has_base, substr(output, 1, ${snippetScan}) AS head,
                json_array_length(files_json) AS files,
                (SELECT substr(group_concat(json_extract(f.value, '$.path'), ' · '), 1, ${snippetScan}) FROM json_each(tasks.files_json) f) AS paths
           FROM tasks WHERE seq IN (SELECT value FROM json_each($list))`,
      ).all({ list }) as { seq: number; title: string | null; language: string | null; has_base: number; head: string; files: number | null; paths: string | null }[]
    ).map((r) => [r.seq, r]),
  );
  const studies = new Map<string, string[]>();
  for (const r of stmt(
    db,
    `SELECT task_id, name FROM (
       SELECT st.task_id, s.name, 0 AS pack, s.created_at AS at FROM study_tasks st JOIN studies s ON s.id = st.study_id
        WHERE st.task_id IN (SELECT task_id FROM task_facets WHERE seq IN (SELECT value FROM json_each($list)))
       UNION
       SELECT q.task_id, q.study, 1, 0 FROM queue_items q
        WHERE q.study <> '' AND q.task_id IN (SELECT task_id FROM task_facets WHERE seq IN (SELECT value FROM json_each($list))))
     ORDER BY pack, at, name`,
  ).all({ list }) as { task_id: string; name: string }[]) {
    const names = studies.get(r.task_id) ?? [];
    if (!names.includes(r.name)) names.push(r.name);
    studies.set(r.task_id, names);
  }
  const rows: TaskRow[] = [];
  for (const seq of seqs) {
    const f = facets.get(seq);
    const t = tasks.get(seq);
    if (!f || !t) continue; // (deleted between the two reads: not in this page)
    const names = studies.get(f.task_id) ?? [];
    rows.push({
      id: f.task_id,
      kind: f.kind,
      title: t.title,
      language: t.language,
      hasBase: t.has_base === 1,
      files: t.files,
      critiqueCount: f.critiques,
      flawCount: f.flaws,
      anchoredFlawCount: f.anchored_flaws,
      source: f.source,
      studies: names.slice(0, 3),
      studyCount: names.length,
      snippet: snippet(t.files !== null ? (t.paths ?? '') : t.head, terms),
    });
  }
  return rows;
}

/** The studies a task is in, oldest first: this database's studies, then those known from opened packs. */
function studyNames(db: AnyDb, taskId: string): string[] {
  const own = stmt(db, 'SELECT s.name FROM study_tasks st JOIN studies s ON s.id = st.study_id WHERE st.task_id = $id ORDER BY s.created_at, s.name').all({ id: taskId }) as {
    name: string;
  }[];
  const packs = stmt(db, `SELECT DISTINCT q.study AS name FROM queue_items q WHERE q.task_id = $id AND q.study <> '' ORDER BY q.study`).all({ id: taskId }) as { name: string }[];
  const names = own.map((r) => r.name);
  for (const p of packs) if (!names.includes(p.name)) names.push(p.name);
  return names;
}

/** What the browser's filters can offer: kinds, sources and studies present, with counts. */
export function taskFacets(db: AnyDb): TaskFacets {
  const vis = importsStaging(db) ? visibleTask('f') : '1';
  const total = (stmt(db, `SELECT count(*) AS n FROM task_facets f WHERE ${vis}`).get() as { n: number }).n;
  const kinds = stmt(db, `SELECT f.kind, count(*) AS count FROM task_facets f WHERE ${vis} GROUP BY f.kind ORDER BY f.kind DESC`).all() as TaskFacets['kinds'];
  const sources = stmt(db, `SELECT f.source, count(*) AS count FROM task_facets f WHERE f.source IS NOT NULL AND ${vis} GROUP BY f.source ORDER BY count DESC, f.source LIMIT 200`).all() as TaskFacets['sources'];
  const studies = (
    stmt(
      db,
      `SELECT s.name, s.state, s.archived_at IS NOT NULL AS archived, (SELECT count(*) FROM study_tasks st WHERE st.study_id = s.id) AS tasks
         FROM studies s ORDER BY s.created_at, s.name`,
    ).all() as { name: string; state: 'open' | 'closed'; archived: number; tasks: number }[]
  ).map((s) => ({ name: s.name, state: s.state, archived: s.archived === 1, tasks: s.tasks }));
  return { total, kinds, sources, studies };
}

interface CritiqueRow {
  id: string;
  text: string;
  anchor_json: string | null;
  resolved_json: string | null;
  severity: string | null;
  category: string | null;
  score: number | null;
  model: string | null;
  valid: number | null;
  evidence_json: string | null;
}

interface FlawRow {
  id: string;
  description: string;
  anchor_json: string | null;
  resolved_json: string | null;
  severity: string | null;
  category: string | null;
  critiques_json: string | null;
}

interface StoredRange {
  start16?: number;
  end16?: number;
  lines?: [number, number];
  side?: 'output' | 'base';
  /** The file of a multi-file task (task format 1.1). */
  path?: string;
}

function parseAnchor(json: string | null): Anchor | null {
  if (json === null) return null;
  const parsed = AnchorSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

type Range = TaskDetail['flaws'][number]['range'];

/** A resolution the importer stored (`resolved_json`, or `resolved` in an evidence item), if complete. */
function storedRange(stored: StoredRange | null | undefined): Range {
  if (stored && typeof stored.start16 === 'number' && typeof stored.end16 === 'number' && Array.isArray(stored.lines)) {
    return { start16: stored.start16, end16: stored.end16, lines: stored.lines, side: stored.side ?? 'output', path: typeof stored.path === 'string' ? stored.path : null };
  }
  return null;
}

/** The stored resolution of an anchor, or a fresh one (rows written before resolutions were stored). */
function rangeOf(resolvedJson: string | null, anchor: Anchor | null, text: string, base: string | null, index: TextIndex): Range {
  const stored = storedRange(resolvedJson ? (JSON.parse(resolvedJson) as StoredRange) : null);
  if (stored) return stored;
  if (!anchor) return null;
  const r = resolveAnchor(anchor, text, { base, index });
  return r.ok ? { start16: r.value.start16, end16: r.value.end16, lines: [r.value.lines[0], r.value.lines[1]], side: r.value.side, path: r.value.path ?? null } : null;
}

const severity = (s: string | null): TaskDetail['flaws'][number]['severity'] => {
  const parsed = SeveritySchema.safeParse(s);
  return parsed.success ? parsed.data : null;
};

/**
 * One task as the researcher sees it: the task, its critiques with score, validity and model, its
 * flaws with their anchors resolved, `meta`, the studies it is in, its reviews, whether it can
 * still change and whether it can be deleted. Not-found for an unknown (or still importing) task.
 */
export function taskDetail(db: AnyDb, id: string): TaskDetail {
  const view = getTaskView(db, id);
  const row = stmt(db, 'SELECT meta_json, imported_at FROM tasks WHERE id = $id').get({ id }) as { meta_json: string | null; imported_at: number };
  const index = new TextIndex(view.output);
  const documentIndex = view.context?.document !== undefined ? new TextIndex(view.context.document) : null;
  const critiques = (
    stmt(
      db,
      'SELECT id, text, anchor_json, resolved_json, severity, category, score, model, valid, evidence_json FROM critiques WHERE task_id = $id ORDER BY position',
    ).all({ id }) as CritiqueRow[]
  ).map((c) => {
    const anchor = parseAnchor(c.anchor_json);
    const evidence = c.evidence_json ? (JSON.parse(c.evidence_json) as { anchor?: unknown; note?: unknown; resolved?: StoredRange }[]) : [];
    return {
      id: c.id,
      text: c.text,
      anchor,
      range: rangeOf(c.resolved_json, anchor, view.output, view.base, index),
      severity: severity(c.severity),
      category: c.category,
      score: c.score,
      model: c.model,
      valid: c.valid === null ? null : c.valid === 1,
      evidence: evidence.map((e) => {
        const a = AnchorSchema.safeParse(e.anchor);
        const document = view.context?.document;
        const range = storedRange(e.resolved) ?? (a.success && documentIndex && document !== undefined ? rangeOf(null, a.data, document, null, documentIndex) : null);
        return { note: typeof e.note === 'string' ? e.note : null, range };
      }),
    };
  });
  const flaws = (
    stmt(db, 'SELECT id, description, anchor_json, resolved_json, severity, category, critiques_json FROM flaws WHERE task_id = $id ORDER BY position').all({ id }) as FlawRow[]
  ).map((f) => {
    const anchor = parseAnchor(f.anchor_json);
    return {
      id: f.id,
      description: f.description,
      anchor,
      range: rangeOf(f.resolved_json, anchor, view.output, view.base, index),
      severity: severity(f.severity),
      category: f.category,
      critiques: f.critiques_json ? (JSON.parse(f.critiques_json) as string[]) : [],
    };
  });
  const studies = (
    stmt(
      db,
      `SELECT s.name, s.state, s.archived_at IS NOT NULL AS archived FROM study_tasks st JOIN studies s ON s.id = st.study_id
        WHERE st.task_id = $id ORDER BY s.created_at, s.name`,
    ).all({ id }) as { name: string; state: 'open' | 'closed'; archived: number }[]
  ).map((s) => ({ name: s.name, state: s.state, archived: s.archived === 1 }));
  for (const name of studyNames(db, id)) if (!studies.some((s) => s.name === name)) studies.push({ name, state: 'open', archived: false });
  const reviews = (stmt(db, 'SELECT count(*) AS n FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.task_id = $id').get({ id }) as { n: number }).n;
  const facet = stmt(db, 'SELECT source FROM task_facets WHERE task_id = $id').get({ id }) as { source: string | null } | undefined;
  const refusal = deletionRefusal(db, id);
  return {
    ...view,
    critiques,
    flaws,
    meta: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown),
    source: facet?.source ?? null,
    importedAt: row.imported_at,
    studies,
    reviews,
    frozen: taskChangeRefusal(db, id),
    deletable: { ok: refusal === null, reason: refusal },
  };
}
