import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerJsonSchema, extractJsonText, readAnswer } from '../../../shared/critic/answer.js';

const one = { text: 'Wrong year.', severity: 'major', category: 'accuracy', confidence: 0.8, quote: 'in 1999', lines: null, evidence: [] };

describe('reading a critic model answer (untrusted text)', () => {
  it('reads the JSON of the schema, and the same JSON in prose or a Markdown fence (servers that ignore the schema)', () => {
    const json = JSON.stringify({ critiques: [one] });
    for (const content of [json, `  ${json}\n`, `Sure! Here it is:\n\`\`\`json\n${json}\n\`\`\`\nHope it helps {not json}`, `Findings: ${json} -- end`]) {
      const r = readAnswer(content);
      expect(r, content).toMatchObject({ ok: true, answer: { critiques: [{ text: 'Wrong year.', confidence: 0.8, quote: 'in 1999' }] } });
    }
    // a bare list is the critique list; braces inside strings do not end the object
    expect(readAnswer(`[${JSON.stringify({ ...one, text: 'a } b { c' })}]`)).toMatchObject({ ok: true, answer: { critiques: [{ text: 'a } b { c' }] } });
    expect(readAnswer('{"critiques": []}')).toEqual({ ok: true, answer: { critiques: [] } });
  });

  it('clamps confidence into [0, 1] and drops unknown severities, but refuses what breaks the schema', () => {
    const r = readAnswer(JSON.stringify({ critiques: [{ ...one, confidence: 7, severity: 'catastrophic' }] }));
    expect(r).toMatchObject({ ok: true, answer: { critiques: [{ confidence: 1, severity: null }] } });
    const bad: [string, RegExp][] = [
      ['{"critiques": [ {"text": "cut', /no JSON object|not valid JSON/],
      ['I found no problems.', /no JSON object/],
      [JSON.stringify({ findings: ['x'] }), /schema: critiques/],
      [JSON.stringify({ critiques: [{ ...one, text: '' }] }), /schema: critiques\.0\.text/],
      [JSON.stringify({ critiques: [{ ...one, confidence: 'high' }] }), /schema: critiques\.0\.confidence/],
      [JSON.stringify({ critiques: [{ ...one, lines: [1] }] }), /schema: critiques\.0\.lines/],
      [JSON.stringify({ critiques: Array.from({ length: 51 }, () => one) }), /schema: critiques/],
      ['{"critiques": [{"text": "\\ud83c x", "confidence": 1}]}', /lone surrogate/],
      [`${'['.repeat(100)}${']'.repeat(100)}`, /nested deeper/],
    ];
    for (const [content, why] of bad) expect(readAnswer(content), content.slice(0, 40)).toMatchObject({ ok: false, problem: expect.stringMatching(why) });
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => `x ${JSON.stringify({ critiques: v })} y`)), (content) => {
        const r = readAnswer(content);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('extractJsonText finds the first complete object, never half of one', () => {
    expect(extractJsonText('a {"x": "}"} b {"y": 1}')).toBe('{"x": "}"}');
    expect(extractJsonText('no json here')).toBeNull();
    expect(extractJsonText('start {"open": [1, 2')).toBeNull();
  });

  it('the schema asked for is strict-mode shaped: every property required, no extra properties', () => {
    const schema = answerJsonSchema() as { properties: { critiques: { items: { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean } } } };
    const item = schema.properties.critiques.items;
    expect(item.additionalProperties).toBe(false);
    expect([...item.required].sort()).toEqual(Object.keys(item.properties).sort());
  });
});

describe('default critic names', () => {
  it('derive a valid name from any model name', async () => {
    const { defaultCriticName, isCriticName } = await import('../../../shared/critic/names.js');
    expect(defaultCriticName('qwen2.5:7b')).toBe('qwen2.5-7b');
    expect(defaultCriticName('Qwen/Qwen2.5-7B-Instruct')).toBe('Qwen-Qwen2.5-7B-Instruct');
    expect(defaultCriticName('::')).toBe('critic');
    fc.assert(
      fc.property(fc.string(), (m) => {
        expect(isCriticName(defaultCriticName(m))).toBe(true);
      }),
    );
  });
});
