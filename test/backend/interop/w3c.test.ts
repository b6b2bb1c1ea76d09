import fs from 'node:fs';
import path from 'node:path';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { captureCli } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDb } from '../../helpers/db.js';
import { studyWithReviews, writeTemp } from './fixture.js';

// The W3C Web Annotation context (http://www.w3.org/ns/anno.jsonld), kept as a fixture because the
// tests run offline. A real JSON-LD processor (jsonld.js) expands the export with it: a key the
// context does not define would be dropped by expansion, so every key must survive it.
const W3C_CONTEXT_URL = 'http://www.w3.org/ns/anno.jsonld';
const contextDocument = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'interop', 'w3c-anno-context.jsonld'), 'utf8')) as unknown;

const documentLoader = (url: string): Promise<{ contextUrl: null; documentUrl: string; document: unknown }> => {
  if (url !== W3C_CONTEXT_URL) return Promise.reject(new Error(`unexpected context ${url}: only the W3C context may be loaded`));
  return Promise.resolve({ contextUrl: null, documentUrl: url, document: contextDocument });
};

const OA = 'http://www.w3.org/ns/oa#';
const output = 'Le 🎉 council voted on Tuesday to close the bridge for a year; the mayor 🚧 objected.';

async function exported(): Promise<{ doc: Record<string, unknown>; items: Record<string, unknown>[] }> {
  const { db, path: dbPath } = tempDb();
  importTasks(db, [
    {
      id: 'w/1 ü',
      kind: 'summary',
      output,
      critiques: [
        { id: 'c1', text: 'It was Monday.', anchor: { quote: 'on Tuesday' }, model: 'critic-9' },
        { id: 'c2', text: 'Six months, not a year.', anchor: { quote: 'for a year' } },
        { id: 'c3', text: 'The whole summary is vague.' },
        { id: 'c4', text: 'Rejected one.', anchor: { quote: 'mayor' } },
      ],
    },
    { id: 'code', kind: 'code', output: 'x = 1\n', critiques: [{ id: 'k', text: 'Name.', anchor: { lines: [1, 1] } }] },
  ]);
  studyWithReviews(db, { name: 'w3c.study', evaluators: ['ann'] }, (a) =>
    a.task === 'code'
      ? { decisions: [{ critique: 'k', verdict: 'accept' }] }
      : {
          decisions: [
            { critique: 'c1', verdict: 'accept' },
            { critique: 'c2', verdict: 'accept', edited_text: 'Six months.' },
            { critique: 'c3', verdict: 'accept' },
            { critique: 'c4', verdict: 'reject', reason: 'incorrect' },
          ],
          added: [
            { id: 'a1', description: 'The mayor did not object.', anchor: { quote: 'objected' }, severity: 'major', category: 'accuracy' },
            { id: 'a2', description: 'Missing the cost.' },
          ],
        },
  );
  db.close();
  const out = writeTemp('annotations.jsonld', '');
  const r = await captureCli(['export', 'w3c', '--study', 'w3c.study', '--out', out, '--db', dbPath]);
  expect(r.code, r.err).toBe(0);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
  return { doc, items: (doc['first'] as { items: Record<string, unknown>[] }).items };
}

function codePoints(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join('');
}

describe('assay export w3c', () => {
  it('writes the accepted critiques and added flaws of summary tasks as Web Annotations with quote and position selectors in code points', async () => {
    const { doc, items } = await exported();
    expect(doc).toMatchObject({ '@context': [W3C_CONTEXT_URL, { assay: 'urn:assay:vocab#' }], type: 'AnnotationCollection', total: 5 });
    // code tasks and rejected critiques are not in it
    expect(items.map((a) => a['assay:critique'] ?? a['assay:flaw'])).toEqual(['c1', 'c2', 'c3', 'a1', 'a2']);
    for (const a of items) {
      expect(a).toMatchObject({ type: 'Annotation', motivation: 'assessing', creator: { type: 'Person', name: 'ann' } });
      const target = a['target'];
      if (typeof target === 'string') continue; // no anchor: the whole output
      const [quote, position] = (target as { selector: Record<string, unknown>[] }).selector as [Record<string, unknown>, Record<string, unknown>];
      expect(quote['type']).toBe('TextQuoteSelector');
      expect(position['type']).toBe('TextPositionSelector');
      const start = position['start'] as number;
      const end = position['end'] as number;
      expect(quote['exact']).toBe(codePoints(output, start, end));
      expect(quote['prefix']).toBe(codePoints(output, Math.max(0, start - 32), start));
      expect(quote['suffix']).toBe(codePoints(output, end, end + 32));
    }
    const [c1, c2, c3, a1, a2] = items;
    expect((c1!['target'] as { selector: unknown[] }).selector[0]).toMatchObject({ exact: 'on Tuesday', prefix: 'Le 🎉 council voted ' });
    expect(c1!['body']).toEqual({ type: 'TextualBody', value: 'It was Monday.', format: 'text/plain', purpose: 'commenting' });
    expect(c1!['generator']).toMatchObject({ type: 'Software', name: 'critic-9' });
    expect(c2!['body']).toMatchObject({ value: 'Six months.' });
    expect(c2!['assay:edited']).toBe(true);
    expect(typeof c3!['target']).toBe('string');
    expect(a1).toMatchObject({ 'assay:severity': 'major', 'assay:category': 'accuracy', body: { value: 'The mayor did not object.' } });
    expect((a1!['target'] as { selector: Record<string, unknown>[] }).selector[1]).toEqual({ type: 'TextPositionSelector', ...((): { start: number; end: number } => {
      const i = output.indexOf('objected');
      const start = Array.from(output.slice(0, i)).length;
      return { start, end: start + 8 };
    })() });
    expect(typeof a2!['target']).toBe('string');
  });

  it('is valid JSON-LD under the W3C Web Annotation context: expansion by a JSON-LD processor keeps every key', async () => {
    const { doc } = await exported();
    const expanded = (await jsonld.expand(doc as jsonld.JsonLdDocument, { documentLoader: documentLoader as never })) as Record<string, unknown>[];
    // every key of the document is a term of the context, a JSON-LD keyword or an assay: term
    const terms = new Set(Object.keys((contextDocument as { '@context': Record<string, unknown> })['@context']));
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k !== '@context') {
            expect(k.startsWith('@') || k.startsWith('assay:') || terms.has(k), `key "${k}" is not defined by the W3C context`).toBe(true);
            walk(x);
          }
        }
      }
    };
    walk(doc);
    // and expansion kept them all: every property (besides id and type, which become @id and @type) is an IRI after it
    const count = (v: unknown, before: boolean): number =>
      Array.isArray(v)
        ? v.reduce((n: number, x) => n + count(x, before), 0)
        : v !== null && typeof v === 'object'
          ? Object.entries(v).reduce((n, [k, x]) => n + (k.startsWith('@') || (before && (k === 'id' || k === 'type')) ? 0 : 1) + count(x, before), 0)
          : 0;
    const { '@context': _context, ...body } = doc;
    expect(count(expanded, false)).toBe(count(body, true));
    // and a JSON-LD processor compacts it back to the same document
    const compacted = await jsonld.compact(expanded as jsonld.JsonLdDocument, doc['@context'] as jsonld.ContextDefinition, { documentLoader: documentLoader as never });
    expect(compacted).toEqual(doc);
    const flat = JSON.stringify(expanded);
    expect(flat).toContain(`${OA}TextQuoteSelector`);
    expect(flat).toContain(`${OA}TextPositionSelector`);
    expect(flat).toContain(`${OA}assessing`);
    expect(flat).toContain(`${OA}hasSelector`);
    expect(flat).toContain('urn:assay:vocab#edited');
  });
});
