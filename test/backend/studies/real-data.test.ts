import fs from 'node:fs';
import { expect, it } from 'vitest';
import { exportPack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importFile } from '../../../electron/backend/tasks/import.js';
import { tempDb } from '../../helpers/db.js';
import { describeWithDatasets } from '../../helpers/datasets.js';

// Real third-party data (Saunders et al. 2022 critiques, with human `helpful` labels as `valid` and
// labeler-written flaws): a study over it, and every pack checked for leaks.

interface SourceTask {
  id: string;
  output: string;
  context?: { document?: string; query?: string };
  critiques?: { id: string; text: string; valid?: boolean }[];
  flaws?: { description: string }[];
  meta?: Record<string, unknown>;
}

describeWithDatasets('studies on real data (openai-critiques)', ['openai-critiques.jsonl'], (dataset) => {
  it('assigns 200 real tasks and writes packs without flaws, labels, labeler ids or decoys under valid-only', () => {
    const file = dataset('openai-critiques.jsonl');
    const source = new Map(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SourceTask)
        .map((t) => [t.id, t]),
    );
    const { db } = tempDb();
    importFile(db, file);
    const tasks = [...source.keys()].slice(0, 200);
    const conditions = [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
      { name: 'helpful-only', policy: 'valid-only' },
    ];
    const evaluators = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((id) => ({ id }));
    createStudy(db, { name: 'saunders', conditions, evaluators, overlap: 3, seed: 2022, tasks });
    const study = getStudy(db, 'saunders');
    expect(study.assignments).toHaveLength(600);

    let decoysHidden = 0;
    for (const ev of evaluators) {
      const { content, pack } = exportPack(db, 'saunders', ev.id);
      for (const word of ['"valid"', '"score"', '"flaws"', '"meta"', 'labeler', 'helpfulness', 'unassisted', 'helpful-only', ...evaluators.filter((e) => e.id !== ev.id).map((e) => `"${e.id}"`)]) {
        expect(content.includes(word), `pack of ${ev.id} contains ${word}`).toBe(false);
      }
      const mine = study.assignments.filter((a) => a.evaluator === ev.id);
      for (const [i, item] of pack.items.entries()) {
        const src = source.get(item.task.id)!;
        const condition = mine[i]!.condition;
        const visible = [src.output, src.context?.document ?? '', src.context?.query ?? '', ...(item.task.critiques ?? []).map((c) => c.text)].join('\n');
        for (const flaw of src.flaws ?? []) {
          // A labeler's flaw is ground truth: it may reach the pack only if it is visible anyway.
          if (!visible.includes(flaw.description)) expect(JSON.stringify(item)).not.toContain(flaw.description);
        }
        for (const value of Object.values(src.meta ?? {})) if (typeof value === 'string') expect(content).not.toContain(value);
        const all = src.critiques ?? [];
        const expected =
          condition === 'unassisted' ? undefined : condition === 'assisted' ? all.map((c) => c.text) : all.filter((c) => c.valid !== false).map((c) => c.text);
        expect(item.task.critiques?.map((c) => c.text), `${ev.id} ${item.task.id} ${condition}`).toEqual(expected);
        // Original ids never leave (their gaps would show what the policy dropped): k1, k2, …
        expect(item.task.critiques?.map((c) => c.id)).toEqual(expected?.map((_, k) => `k${k + 1}`));
        if (condition === 'helpful-only') decoysHidden += all.filter((c) => c.valid === false).length;
      }
    }
    expect(decoysHidden).toBeGreaterThan(0); // the data really has unhelpful critiques to hide
  });
});
