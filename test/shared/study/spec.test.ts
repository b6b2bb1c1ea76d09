import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { parseConditionList, parseEvaluatorList, StudySpecSchema } from '../../../shared/study/spec.js';

describe('study specification', () => {
  it('parses the CLI condition list into canonical policies', () => {
    expect(parseConditionList('unassisted:none, assisted:all,top3:top-3 ,clean:valid-only')).toEqual([
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
      { name: 'top3', policy: 'top-3' },
      { name: 'clean', policy: 'valid-only' },
    ]);
  });

  it.each([
    ['assisted', '--conditions: entry 1 "assisted": expected NAME:POLICY'],
    ['a:none,b:top-0', '--conditions: entry 2 "b:top-0": policy: Unknown critique policy "top-0"'],
    ['a:none,:all', '--conditions: entry 2 ":all": name: use 1–64 letters'],
    ['a:some', 'entry 1 "a:some": policy: Unknown critique policy'],
  ])('refuses %j naming the entry', (text, message) => {
    expect(() => parseConditionList(text)).toThrow(message);
  });

  it('parses evaluators with optional display names', () => {
    expect(parseEvaluatorList('ann=Ann Lee, bob ,cyd = Cyd')).toEqual([{ id: 'ann', displayName: 'Ann Lee' }, { id: 'bob' }, { id: 'cyd', displayName: 'Cyd' }]);
    expect(() => parseEvaluatorList('ann,b ob')).toThrow('--evaluators: entry 2 "b ob": id:');
  });

  it('checks the whole study with field paths', () => {
    const base = { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'e' }], overlap: 1, seed: 1 };
    expect(StudySpecSchema.parse(base).conditions[0]!.policy).toBe('all');
    const r = StudySpecSchema.safeParse({ ...base, seed: -1, name: 'bad name' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['name', 'seed']);
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order, and differs when any value differs', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
