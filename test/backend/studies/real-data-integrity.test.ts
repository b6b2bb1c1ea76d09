// Pinning and identity on real data (Saunders et al. 2022 critiques, openai-critiques.jsonl): the
// real import → study → pack → review → results path, then the attacks of issue #10 on it.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { importFile } from '../../../electron/backend/tasks/import.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDir } from '../../helpers/temp.js';


const t0 = Date.UTC(2026, 6, 1, 9);

/** An evaluator works through their pack: accepts the first shown critique, rejects the last, rates, submits. */
function review(pack: string, evaluator: string): WritableDb {
  const ev = openDatabase(path.join(tempDir(), `${evaluator}.db`));
  importPack(ev, pack, `${evaluator}.json`, t0);
  let t = t0 + 60_000;
  for (const q of getQueue(ev, evaluator).filter((x) => x.study === 'saunders')) {
    const b = beginReview(ev, evaluator, q.id, (t += 1000));
    const shown = b.shown ?? [];
    const events = [
      ...(shown.length > 0 ? [{ type: 'decision-recorded' as const, critique: shown[0]!, verdict: 'accept' as const }] : []),
      ...(shown.length > 1 ? [{ type: 'decision-recorded' as const, critique: shown.at(-1)!, verdict: 'reject' as const, reason: 'incorrect' as const }] : []),
      { type: 'rating-set' as const, rating: 4 },
      { type: 'submitted' as const },
    ];
    events.forEach((event, i) => recordEvent(ev, { evaluator, review: b.review.id, expectedSeq: i, clientEventId: `${evaluator}-${q.id}-${i}`, clientTime: t, activeMs: 900 * (i + 1), event }, (t += 1000)));
  }
  return ev;
}

describeWithDatasets('studies on real data: pinning and identity (openai-critiques)', ['openai-critiques.jsonl'], (dataset) => {
  const file = dataset('openai-critiques.jsonl');
  it('decisions land on the critiques shown; a reordered re-import and a forged results file are refused', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'researcher.db'));
    expect(importFile(db, file).errorCount).toBe(0);
    const source = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 60)
      .map((l) => JSON.parse(l) as { id: string; critiques?: { id: string; text: string }[] } & Record<string, unknown>);
    const conditions = [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
      { name: 'helpful-only', policy: 'valid-only' },
    ];
    createStudy(db, { name: 'saunders', conditions, evaluators: [{ id: 'r1' }, { id: 'r2' }, { id: 'r3' }], overlap: 2, seed: 2022, tasks: source.map((t) => t.id) }, t0);
    const r1Pack = exportPack(db, 'saunders', 'r1', t0);
    const r2Pack = exportPack(db, 'saunders', 'r2', t0);

    // r1 reviews; the researcher merges; every decision names the original critique whose text r1 saw
    const results = exportResults(review(r1Pack.content, 'r1'), {}, t0 + 3_600_000).content;
    const [merged] = importResults(db, [{ fileName: 'r1.json', content: results }], {}, t0 + 7_200_000);
    expect(merged).toMatchObject({ status: 'merged', added: r1Pack.pack.items.length, authenticated: true, conflicts: [] });
    const textOf = new Map(source.flatMap((t) => (t.critiques ?? []).map((c) => [`${t.id}\u0000${c.id}`, c.text] as const)));
    let decisions = 0;
    for (const record of exportReviewRecords(db, { study: 'saunders' })) {
      const item = r1Pack.pack.items.find((i) => i.task.id === record.task)!;
      const seen = new Map((item.task.critiques ?? []).map((c, k) => [record.shown![k]!, c.text]));
      for (const d of record.decisions) {
        expect(textOf.get(`${record.task}\u0000${d.critique}`), `${record.task} ${d.critique}`).toBe(seen.get(d.critique));
        decisions++;
      }
    }
    expect(decisions).toBeGreaterThan(20);

    // the issue's first attack: the same task, critiques reordered (same ids and texts), --replace
    const shownTask = source.find((t) => (t.critiques?.length ?? 0) >= 3 && r1Pack.pack.items.some((i) => i.task.id === t.id && i.show_critiques))!;
    const reordered = { ...shownTask, critiques: [...shownTask.critiques!].reverse() };
    const replaced = path.join(dir, 'reordered.jsonl');
    fs.writeFileSync(replaced, `${JSON.stringify(reordered)}\n`);
    const before = dumpDatabase(db);
    const report = importFile(db, replaced, { replace: true, label: 'reordered.jsonl' });
    expect(report.errors).toEqual([
      `reordered.jsonl:1: id: task "${shownTask.id}" belongs to study "saunders" (2 packs issued), which has started: its tasks cannot be replaced or changed, or results would be credited to content the evaluators never saw. Import the new version under a new id.`,
    ]);
    expect(dumpDatabase(db)).toBe(before);

    // the issue's second attack: r2 writes a results file as r1 (the pack id is public), signed with r2's own secret
    const r2Results = JSON.parse(exportResults(review(r2Pack.content, 'r2'), {}, t0 + 3_600_000).content) as Record<string, unknown> & { reviews: Record<string, unknown>[] };
    const r1Issue = r1Pack.pack.pack;
    const forged: Record<string, unknown> = {
      ...r2Results,
      evaluator: 'r1',
      pack: { id: r1Issue.id, issue: r1Issue.issue },
      reviews: r2Results.reviews.map((r) => ({ ...r, record: { ...(r['record'] as object), evaluator: 'r1' } })),
    };
    const { hash: _h, mac: _m, ...body } = forged;
    const content = JSON.stringify({ ...body, hash: fileHash(body), mac: resultsMac(r2Pack.pack.pack.secret, body) });
    const [refused] = importResults(db, [{ fileName: 'forged.json', content }], {}, t0 + 7_200_000);
    expect(refused!.error).toMatch(/^forged\.json: the results do not prove they came from the pack issued to "r1"/);
    expect(dumpDatabase(db)).toBe(before);
    expect(getStudy(db, 'saunders').imports).toHaveLength(1);
  });
});
