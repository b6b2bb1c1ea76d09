import { resolveTaskAnchor, TaskTextIndexes, type ResolvedAnchor, type TaskTexts } from '../../../shared/anchors.js';
import { taskTexts, type Severity, type TaskInput } from '../../../shared/task-format.js';
import { LineTable, range16ToRegion } from '../../../shared/text-positions.js';
import type { ExportTask, StudyExport } from './study-export.js';

// `assay export sarif --study NAME [--include accepted,added]`: the evaluators' accepted critiques
// and added flaws as one SARIF 2.1.0 log (one run, tool "Assay", a rule per category) that GitHub
// code scanning and SARIF viewers read. Each result is on the file its anchor names (a multi-file
// task's path; a single-file task's id), with a region in UTF-16 code units (declared in
// `columnKind`); the evaluator, the condition, the task and the review are result properties.
// Field by field: docs/interop.md, "SARIF".

/** What the export includes. */
export type SarifInclude = 'accepted' | 'added';
/** Every {@link SarifInclude}, the default. */
export const SARIF_INCLUDES: readonly SarifInclude[] = ['accepted', 'added'];

/** The SARIF schema the log names. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Severity → SARIF level: critical and major are errors, minor a warning, none a note. */
export function sarifLevel(severity: Severity | undefined): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'major' ? 'error' : severity === 'minor' ? 'warning' : 'note';
}

const UNCATEGORIZED = 'uncategorized';

/** A rule id from a category: SARIF ids are free text, but `/` separates hierarchical ids in viewers. */
const ruleIdOf = (category: string | undefined): string => (category && category.trim() !== '' ? category.trim() : UNCATEGORIZED);

/** The artifact URI of a task's file: its path (a relative reference, percent-encoded per segment), or the task id for a single-file task. */
function artifactUri(task: ExportTask, path: string | undefined): string {
  const p = path ?? task.id;
  return p.split('/').map(encodeURIComponent).join('/');
}

/** The text a resolved anchor lies in. */
function textOf(texts: TaskTexts, r: ResolvedAnchor): string {
  const file = r.path !== undefined ? texts.files?.find((f) => f.path === r.path) : undefined;
  if (file) return r.side === 'base' ? (file.base ?? '') : file.output;
  return r.side === 'base' ? (texts.base ?? '') : texts.output;
}

/** The SARIF log of a study's accepted critiques and added flaws (`include` selects which). */
export function sarifLog(study: StudyExport, include: readonly SarifInclude[] = SARIF_INCLUDES, version = '0.0.0'): Record<string, unknown> {
  const names = new Map(study.evaluators.map((e) => [e.id, e.name]));
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  const rule = (category: string | undefined): { ruleId: string; ruleIndex: number } => {
    const id = ruleIdOf(category);
    let i = ruleIndex.get(id);
    if (i === undefined) {
      i = rules.length;
      ruleIndex.set(id, i);
      // GitHub code scanning requires fullDescription and help on every rule (the multitool's GH2012)
      const text = id === UNCATEGORIZED ? 'Findings without a category' : `Findings of category "${id}"`;
      rules.push({
        id,
        shortDescription: { text },
        fullDescription: { text: `${text}: critiques the evaluators accepted and flaws they added in an Assay study.` },
        help: { text: `A human evaluator confirmed (accepted critique) or reported (added flaw) this finding in an Assay review study; see the result's properties for the evaluator and the condition.` },
      });
    }
    return { ruleId: id, ruleIndex: i };
  };
  const results: Record<string, unknown>[] = [];
  for (const task of study.tasks) {
    if (task.kind !== 'code') continue;
    const texts = taskTexts(task.source as Pick<TaskInput, 'output' | 'base' | 'files'>);
    const indexes = new TaskTextIndexes(texts);
    const tables = new Map<string, LineTable>();
    const location = (r: ResolvedAnchor | null, anchor: unknown): Record<string, unknown> => {
      const path = anchor !== null && typeof anchor === 'object' && typeof (anchor as { path?: unknown }).path === 'string' ? (anchor as { path: string }).path : undefined;
      const artifactLocation = { uri: artifactUri(task, r?.path ?? path) };
      if (!r) return { physicalLocation: { artifactLocation } };
      // a lines anchor is whole lines (the task format's and SARIF's lines agree: \n and \r\n end one)
      if (anchor !== null && typeof anchor === 'object' && 'lines' in anchor) return { physicalLocation: { artifactLocation, region: { startLine: r.lines[0], endLine: r.lines[1] } } };
      const text = textOf(texts, r);
      const key = `${r.path ?? ''}\u0000${r.side}`;
      let table = tables.get(key);
      if (!table) tables.set(key, (table = new LineTable(text)));
      const region = range16ToRegion(text, r.start16, r.end16, 'utf16CodeUnits', table);
      return { physicalLocation: { artifactLocation, region } };
    };
    const byId = new Map(task.critiques.map((c) => [c.id, c]));
    for (const review of task.reviews) {
      if (review.status !== 'submitted') continue;
      const properties = {
        evaluator: names.get(review.evaluator) ?? review.evaluator,
        evaluatorId: review.evaluator,
        condition: review.condition,
        study: study.study.name,
        task: task.id,
        review: review.id,
        submittedAt: review.record.submitted_at,
      };
      if (include.includes('accepted')) {
        for (const d of review.record.decisions) {
          if (d.verdict !== 'accept') continue;
          const c = byId.get(d.critique);
          if (!c) continue;
          const severity = c.source['severity'] as Severity | undefined;
          const category = c.source['category'] as string | undefined;
          const model = c.source['model'];
          results.push({
            ...rule(category),
            level: sarifLevel(severity),
            message: { text: d.edited_text ?? c.text },
            locations: [location(c.resolved, c.source['anchor'])],
            properties: {
              ...properties,
              kind: 'accepted-critique',
              critique: c.id,
              edited: d.edited_text !== undefined,
              ...(typeof model === 'string' ? { critic: model } : {}),
              ...(c.resolved ? { side: c.resolved.side } : {}),
              ...(severity ? { severity } : {}),
            },
          });
        }
      }
      if (include.includes('added')) {
        for (const f of review.record.added) {
          const r = f.anchor ? resolveTaskAnchor(f.anchor, texts, indexes) : null;
          const resolved = r && r.ok ? r.value : null;
          results.push({
            ...rule(f.category),
            level: sarifLevel(f.severity),
            message: { text: f.description },
            locations: [location(resolved, f.anchor)],
            properties: { ...properties, kind: 'added-flaw', flaw: f.id, ...(resolved ? { side: resolved.side } : {}), ...(f.severity ? { severity: f.severity } : {}) },
          });
        }
      }
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Assay', semanticVersion: version, rules } },
        columnKind: 'utf16CodeUnits',
        properties: { study: study.study.name, conditions: study.conditions.map((c) => c.name), include: [...include] },
        results,
      },
    ],
  };
}
