import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_FEATURES, PackFileV2Schema, resultsRequires } from '../../../shared/study/formats.js';
import {
  defaultStudySettings,
  packSettings,
  settingsFromPack,
  settingsRequires,
  StudySettingsInputSchema,
  StudySettingsSchema,
  type StudySettings,
} from '../../../shared/study/settings.js';
import { StudySpecSchema } from '../../../shared/study/spec.js';

const category = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[^,\u0000-\u001f\u007f]+$/.test(s) && s.trim() === s && s !== '');
const settingsArb: fc.Arbitrary<StudySettings> = fc
  .record({
    rating: fc.constantFrom('required', 'optional', 'off'),
    rejectReason: fc.constantFrom('required', 'optional'),
    decideAll: fc.boolean(),
    instructions: fc.option(fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== '')),
    categories: fc.option(fc.uniqueArray(category, { minLength: 1, maxLength: 6 })),
    timeLimitSeconds: fc.option(fc.integer({ min: 1, max: 86_400 })),
    onTimeLimit: fc.constantFrom('submit', 'skip', 'advisory'),
    question: fc.option(fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() === s && s !== '')),
  })
  .map((s) => StudySettingsSchema.parse(s));

describe('study settings', () => {
  it('every default is the behaviour before settings existed', () => {
    expect(defaultStudySettings).toEqual({
      rating: 'required',
      rejectReason: 'required',
      decideAll: false,
      instructions: null,
      categories: null,
      timeLimitSeconds: null,
      onTimeLimit: null,
      question: null,
    });
    expect(packSettings(defaultStudySettings)).toEqual({});
    expect(settingsRequires(defaultStudySettings)).toEqual([]);
  });

  it('a limit without a rule submits; a rule without a limit is dropped; blank instructions are none', () => {
    expect(StudySettingsSchema.parse({ timeLimitSeconds: 90 })).toMatchObject({ timeLimitSeconds: 90, onTimeLimit: 'submit' });
    expect(StudySettingsSchema.parse({ onTimeLimit: 'skip' })).toMatchObject({ timeLimitSeconds: null, onTimeLimit: null });
    expect(StudySettingsSchema.parse({ instructions: '  \n ' }).instructions).toBeNull();
  });

  it('refuses bad values by field, and an advisory limit for a new study', () => {
    const first = (input: unknown) => {
      const r = StudySpecSchema.safeParse({ name: 's', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'e' }], overlap: 1, seed: 1, settings: input });
      return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
    };
    expect(first({ rating: 'sometimes' })).toMatch(/^settings\.rating: /);
    expect(first({ categories: [] })).toBe('settings.categories: give at least one category, or none for the default list');
    expect(first({ categories: ['a', 'a'] })).toBe('settings.categories: a category is listed twice');
    expect(first({ categories: ['a,b'] })).toBe('settings.categories.0: a category name has no commas or control characters');
    expect(first({ timeLimitSeconds: 0 })).toMatch(/^settings\.timeLimitSeconds: /);
    expect(first({ timeLimitSeconds: 60, onTimeLimit: 'advisory' })).toMatch(/^settings\.onTimeLimit: use "submit" or "skip"/);
    expect(first({ question: '   ' })).toMatch(/^settings\.question: /);
    expect(first({ instructions: 'x'.repeat(50_001) })).toMatch(/^settings\.instructions: at most 50,000 characters/);
    expect(first({ colour: 'red' })).toMatch(/^settings: /);
    expect(StudySettingsInputSchema.safeParse({ timeLimitSeconds: 60, onTimeLimit: 'skip' }).success).toBe(true);
  });

  it('property: the pack form reads back as the same settings', () => {
    fc.assert(
      fc.property(settingsArb, (s) => {
        const written = packSettings(s);
        // the pack schema accepts what is written (a pack file round trip)
        expect(PackFileV2Schema.shape.settings.parse(JSON.parse(JSON.stringify(written)))).toEqual(written);
        expect(settingsFromPack(written)).toEqual(s);
      }),
    );
  });

  it('requires: each setting an older Assay would apply wrongly, and only those; every one is known here', () => {
    const features = (s: object) => settingsRequires(StudySettingsSchema.parse(s)).map((r) => r.feature);
    expect(features({ rating: 'off' })).toEqual(['rating-off']);
    expect(features({ rating: 'optional', rejectReason: 'optional' })).toEqual([]);
    expect(features({ decideAll: true })).toEqual(['decide-all']);
    expect(features({ instructions: 'Read the source first.' })).toEqual(['instructions']);
    expect(features({ categories: ['tone'] })).toEqual(['categories']);
    expect(features({ timeLimitSeconds: 60 })).toEqual(['time-limit']);
    expect(features({ timeLimitSeconds: 60, onTimeLimit: 'advisory' })).toEqual([]);
    expect(features({ question: 'Flawed?' })).toEqual(['question']);
    for (const r of settingsRequires(StudySettingsSchema.parse({ rating: 'off', decideAll: true, instructions: 'x', categories: ['a'], timeLimitSeconds: 5, question: 'q' }))) {
      expect(KNOWN_FEATURES.has(r.feature)).toBe(true);
      expect(r.assay).toBe('0.2.0');
    }
    expect(resultsRequires(['decision-recorded', 'time-expired', 'answer-set', 'submitted']).map((r) => r.feature)).toEqual(['time-limit', 'question']);
    expect(resultsRequires(['rating-set', 'submitted'])).toEqual([]);
  });

  it('a pack of an older study (a limit, no rule) reads as an advisory limit', () => {
    expect(settingsFromPack({ time_limit_seconds: 900 })).toMatchObject({ timeLimitSeconds: 900, onTimeLimit: 'advisory' });
    expect(settingsFromPack({})).toEqual(defaultStudySettings);
  });
});
