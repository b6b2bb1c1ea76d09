import { cloneElement, useEffect, useState } from 'react';
import { flawCategories } from '../../../../shared/review/events.js';
import { StudySettingsInputSchema, type StudySettingsInput } from '../../../../shared/study/settings.js';
import type { OpOutput } from '../../../../shared/contract/index.js';
import { call } from '../../api/client.js';
import { SafeMarkdown } from '../../components/markdown.js';
import { navigate } from '../../router.js';
import { estimateText, HazardList } from './hazards.js';

type PolicyKind = 'none' | 'all' | 'top' | 'valid-only';

interface ConditionRow {
  readonly key: number;
  readonly name: string;
  readonly kind: PolicyKind;
  readonly k: number;
}

const policyText = (c: ConditionRow): string => (c.kind === 'top' ? `top-${c.k}` : c.kind);

/** Parses the evaluator box: one per line (or comma), `id` or `id = Display name`. */
export function parseEvaluatorLines(text: string): { id: string; displayName?: string }[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const eq = l.indexOf('=');
      if (eq < 0) return { id: l };
      const displayName = l.slice(eq + 1).trim();
      return { id: l.slice(0, eq).trim(), ...(displayName ? { displayName } : {}) };
    });
}

let nextKey = 3;

/** What the form's settings fields hold (text as typed). */
export interface SettingsFields {
  readonly rating: 'required' | 'optional' | 'off';
  readonly rejectReason: 'required' | 'optional';
  readonly decideAll: boolean;
  readonly instructions: string;
  readonly categories: string;
  readonly minutes: string;
  readonly onTimeLimit: 'submit' | 'skip';
  readonly question: string;
}

/**
 * The study settings the form's fields describe, checked by the one settings schema (the back end
 * checks them again): the settings to send (only what differs from the defaults), or the first
 * problem, naming the field as the form labels it.
 */
export function settingsFromFields(f: SettingsFields): { settings: StudySettingsInput } | { problem: string } {
  const minutes = f.minutes.trim();
  if (minutes !== '' && !(Number(minutes) > 0)) return { problem: 'Time limit: enter a number of minutes above 0, or leave it empty.' };
  const seconds = minutes === '' ? null : Math.round(Number(minutes) * 60);
  const categories = f.categories.trim() === '' ? null : f.categories.split(',').map((c) => c.trim());
  const settings: StudySettingsInput = {
    ...(f.rating !== 'required' ? { rating: f.rating } : {}),
    ...(f.rejectReason !== 'required' ? { rejectReason: f.rejectReason } : {}),
    ...(f.decideAll ? { decideAll: true } : {}),
    ...(f.instructions.trim() !== '' ? { instructions: f.instructions } : {}),
    ...(categories !== null ? { categories } : {}),
    ...(seconds !== null ? { timeLimitSeconds: seconds, onTimeLimit: f.onTimeLimit } : {}),
    ...(f.question.trim() !== '' ? { question: f.question.trim() } : {}),
  };
  const r = StudySettingsInputSchema.safeParse(settings);
  if (r.success) return { settings };
  const issue = r.error.issues[0]!;
  const label: Record<string, string> = {
    categories: 'Flaw categories',
    timeLimitSeconds: 'Time limit',
    question: 'Question',
    instructions: 'Instructions',
  };
  return { problem: `${label[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}.` };
}

/** A labelled form field; the hint describes the control (aria-describedby) without naming it. */
function Field({ id, label, hint, children }: { readonly id: string; readonly label: string; readonly hint?: string; readonly children: React.ReactElement<Record<string, unknown>> }): React.JSX.Element {
  return (
    <div className="study-field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) })}
      {hint && (
        <span id={`${id}-hint`} className="study-hint">
          {hint}
        </span>
      )}
    </div>
  );
}

type Check = OpOutput<'studies:check'>;

/** The study check of the design being built: hazards with counts and what to do, and the power estimate. */
function CheckPanel({ check, pending, error }: { readonly check: Check | null; readonly pending: boolean; readonly error: string | null }): React.JSX.Element {
  const e = check?.estimate;
  return (
    <section className="study-check" aria-label="Study check" aria-busy={pending}>
      <h2>Study check {pending && <span className="muted small">checking…</span>}</h2>
      {error && <p className="form-check bad">{error}</p>}
      {check && (
        <>
          <p className="study-estimate" role="status">
            {estimateText(e)}
          </p>
          {check.hazards.length === 0 ? <p className="muted">No hazards found in {check.tasks} tasks.</p> : <HazardList hazards={check.hazards} />}
        </>
      )}
    </section>
  );
}

/** The researcher's form for a new study, with a live check of the sizes and the design's hazards. */
export function CreateStudy(): React.JSX.Element {
  const [name, setName] = useState('');
  const [conditions, setConditions] = useState<readonly ConditionRow[]>([
    { key: 1, name: 'unassisted', kind: 'none', k: 3 },
    { key: 2, name: 'assisted', kind: 'all', k: 3 },
  ]);
  const [evaluators, setEvaluators] = useState('');
  const [overlap, setOverlap] = useState(2);
  const [seed, setSeed] = useState(() => Math.floor(Math.random() * 1_000_000));
  const [taskIds, setTaskIds] = useState('');
  const [minutes, setMinutes] = useState('');
  const [rating, setRating] = useState<SettingsFields['rating']>('required');
  const [rejectReason, setRejectReason] = useState<SettingsFields['rejectReason']>('required');
  const [decideAll, setDecideAll] = useState(false);
  const [instructions, setInstructions] = useState('');
  const [categories, setCategories] = useState('');
  const [onTimeLimit, setOnTimeLimit] = useState<SettingsFields['onTimeLimit']>('submit');
  const [question, setQuestion] = useState('');
  const [preview, setPreview] = useState(false);
  const [reviewHere, setReviewHere] = useState(false);
  const [researcher, setResearcher] = useState('');
  const [taskCount, setTaskCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<Check | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [force, setForce] = useState(false);

  useEffect(() => {
    call('app:info', {})
      .then((i) => setTaskCount(i.taskCount))
      .catch(() => setTaskCount(null));
  }, []);

  const evs = parseEvaluatorLines(evaluators);
  const ids = taskIds
    .split(/\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const T = ids.length > 0 ? ids.length : (taskCount ?? 0);
  const E = evs.length;
  const reviews = T * overlap;
  const checked = settingsFromFields({ rating, rejectReason, decideAll, instructions, categories, minutes, onTimeLimit, question });
  const problem =
    'problem' in checked
      ? checked.problem
      : E === 0
      ? 'Add at least one evaluator.'
      : overlap > E
        ? `Overlap ${overlap} needs at least ${overlap} evaluators (each task goes to ${overlap} different people); there are ${E}.`
        : T === 0
          ? 'This database has no tasks: import tasks first.'
          : null;

  // The study check runs (debounced) whenever the design changes; Create waits for it.
  const conditionKey = conditions.map((c) => `${c.name.trim()}:${policyText(c)}`).join(',');
  const taskKey = ids.join(' ');
  useEffect(() => {
    if (E === 0 || overlap > E || T === 0) {
      setCheck(null);
      return;
    }
    let cancelled = false;
    setChecking(true);
    const timer = setTimeout(() => {
      call('studies:check', {
        conditions: conditionKey.split(',').map((c) => ({ name: c.slice(0, c.lastIndexOf(':')), policy: c.slice(c.lastIndexOf(':') + 1) })),
        evaluators: E,
        overlap,
        ...(taskKey ? { tasks: taskKey.split(' ') } : {}),
      })
        .then((c) => {
          if (cancelled) return;
          setCheck(c);
          setCheckError(null);
          setForce(false);
        })
        .catch((err: Error) => !cancelled && (setCheck(null), setCheckError(`The check could not run: ${err.message}`)))
        .finally(() => !cancelled && setChecking(false));
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [conditionKey, taskKey, E, overlap, T]);

  const update = (key: number, change: Partial<ConditionRow>): void => setConditions((cs) => cs.map((c) => (c.key === key ? { ...c, ...change } : c)));

  const submit = (e: React.FormEvent): void => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    if (!('settings' in checked)) return;
    const settings = checked.settings;
    call('studies:create', {
      name: name.trim(),
      conditions: conditions.map((c) => ({ name: c.name.trim(), policy: policyText(c) })),
      evaluators: evs,
      overlap,
      seed,
      ...(ids.length > 0 ? { tasks: ids } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(reviewHere ? { reviewHere: true } : {}),
      // (the field is hidden for a study reviewed here: a name typed before switching is not sent)
      ...(!reviewHere && researcher.trim() ? { researcher: researcher.trim() } : {}),
      ...(force ? { force: true } : {}),
    })
      .then((s) => navigate('studies', s.name))
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };

  return (
    <section className="studies" aria-labelledby="new-study-title">
      <div className="studies-bar">
        <button type="button" className="link" onClick={() => navigate('studies')}>
          ← Studies
        </button>
        <h1 id="new-study-title">New study</h1>
      </div>
      <div className="study-new-layout">
      <form className="study-form" onSubmit={submit}>
        <Field id="study-name" label="Name" hint="Letters, digits, “_”, “.” or “-”. Evaluators see it.">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="uplift-pilot" required autoFocus pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" />
        </Field>

        <fieldset>
          <legend>Conditions</legend>
          <span className="study-hint">Names are never shown to evaluators; they see a neutral label such as “Set A”.</span>
          {conditions.map((c, i) => (
            <div key={c.key} className="condition-row">
              <input aria-label={`Condition ${i + 1} name`} value={c.name} onChange={(e) => update(c.key, { name: e.target.value })} required />
              <select aria-label={`Condition ${i + 1} policy`} value={c.kind} onChange={(e) => update(c.key, { kind: e.target.value as PolicyKind })}>
                <option value="none">none — unassisted</option>
                <option value="all">all critiques</option>
                <option value="top">top-K by score</option>
                <option value="valid-only">valid-only — no decoys</option>
              </select>
              {c.kind === 'top' && (
                <input aria-label={`Condition ${i + 1} K`} type="number" min={1} value={c.k} onChange={(e) => update(c.key, { k: Math.max(1, Number(e.target.value) || 1) })} className="narrow" />
              )}
              <button type="button" aria-label={`Remove condition ${i + 1}`} disabled={conditions.length === 1} onClick={() => setConditions((cs) => cs.filter((x) => x.key !== c.key))}>
                ×
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setConditions((cs) => [...cs, { key: nextKey++, name: `condition${cs.length + 1}`, kind: 'top', k: 3 }])}>
            Add condition
          </button>
        </fieldset>

        <Field id="study-evaluators" label="Evaluators" hint="One per line: an id, optionally “= display name”.">
          <textarea value={evaluators} onChange={(e) => setEvaluators(e.target.value)} rows={4} placeholder={'ann = Ann Lee\nbob = Bo Brown\ncyd'} />
        </Field>

        <div className="form-row">
          <Field id="study-overlap" label="Overlap" hint="Distinct evaluators per task.">
            <input type="number" min={1} value={overlap} onChange={(e) => setOverlap(Math.max(1, Number(e.target.value) || 1))} className="narrow" />
          </Field>
          <Field id="study-seed" label="Seed" hint="The same seed gives the same assignment.">
            <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} className="medium" />
          </Field>
        </div>

        <fieldset>
          <legend>How evaluators review</legend>
          <span className="study-hint">Enforced by Assay in review and when results come back; they cannot change once the study exists.</span>
          <div className="form-row">
            <Field id="study-rating" label="Rating (1–7)" hint="Optional: may be left out. Off: not asked; records carry no rating (labels-only data).">
              <select value={rating} onChange={(e) => setRating(e.target.value as SettingsFields['rating'])}>
                <option value="required">required</option>
                <option value="optional">optional</option>
                <option value="off">off</option>
              </select>
            </Field>
            <Field id="study-reject-reason" label="Reason on reject" hint="Optional: a rejection may come without a reason.">
              <select value={rejectReason} onChange={(e) => setRejectReason(e.target.value as SettingsFields['rejectReason'])}>
                <option value="required">required</option>
                <option value="optional">optional</option>
              </select>
            </Field>
          </div>
          <label className="check-line">
            <input type="checkbox" checked={decideAll} onChange={(e) => setDecideAll(e.target.checked)} aria-describedby="study-decide-all-hint" /> Every shown critique decided before
            submitting
          </label>
          <span id="study-decide-all-hint" className="study-hint">
            Submit is refused while a critique is undecided. Skipping, or the time limit, may leave some undecided.
          </span>
          <div className="form-row">
            <Field id="study-time-limit" label="Time limit per item (minutes)" hint="Optional. Counts from when the item is first opened.">
              <input type="number" min={0.1} step="any" value={minutes} onChange={(e) => setMinutes(e.target.value)} placeholder="none" className="narrow" />
            </Field>
            <Field id="study-on-time-limit" label="When time runs out" hint="The item as it stands: submitted, or skipped with reason “time limit”.">
              <select value={onTimeLimit} onChange={(e) => setOnTimeLimit(e.target.value as SettingsFields['onTimeLimit'])} disabled={minutes.trim() === ''}>
                <option value="submit">submit</option>
                <option value="skip">skip</option>
              </select>
            </Field>
          </div>
          <Field id="study-question" label="Yes/no question" hint="Optional. Yes = the output is flawed; evaluators also give their confidence, 50–100%. Both are required before submitting.">
            <input value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="Does the output contain a serious flaw?" maxLength={500} className="wide" />
          </Field>
          <Field id="study-categories" label="Flaw categories" hint="Optional, separated by commas: the categories evaluators may give their own flaws. Empty: the default list, not enforced.">
            <input value={categories} onChange={(e) => setCategories(e.target.value)} placeholder={flawCategories.join(', ')} className="wide" />
          </Field>
          <Field id="study-instructions" label="Instructions for evaluators" hint="Optional, Markdown: shown before the first item and on request. Text formatting only: no HTML, links shown as text, no images.">
            <textarea value={instructions} onChange={(e) => setInstructions(e.target.value)} rows={5} placeholder={'# How to review\n\nRead the **source** before the critiques.'} className="wide" />
          </Field>
          {instructions.trim() !== '' && (
            <div className="instructions-preview">
              <button type="button" className="link" aria-expanded={preview} onClick={() => setPreview((p) => !p)}>
                {preview ? 'Hide preview' : 'Preview instructions'}
              </button>
              {preview && <SafeMarkdown source={instructions} className="safe-markdown instructions-box" />}
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>Where evaluators review</legend>
          <label className="radio-line">
            <input type="radio" name="study-place" checked={!reviewHere} onChange={() => setReviewHere(false)} /> On their own computers, from packs (you export a pack per
            evaluator and import their results files)
          </label>
          <label className="radio-line">
            <input type="radio" name="study-place" checked={reviewHere} onChange={() => setReviewHere(true)} /> Review on this computer (each evaluator chooses their profile in
            Review here; no packs)
          </label>
          <span className="study-hint">A study is reviewed one way or the other, never both, so that two reviews of one item can never collide. This cannot change later.</span>
        </fieldset>

        {!reviewHere && (
          <Field id="study-researcher" label="Results go to" hint="Optional: your name or e-mail address. The evaluators’ Assay tells them whom to send their results to.">
            <input value={researcher} onChange={(e) => setResearcher(e.target.value)} placeholder="Dr. Rosa Diaz <rosa@lab.example>" maxLength={200} />
          </Field>
        )}

        <Field id="study-tasks" label="Tasks" hint="Task ids separated by spaces or lines; empty for every task.">
          <textarea value={taskIds} onChange={(e) => setTaskIds(e.target.value)} rows={2} placeholder={`empty: all ${taskCount ?? ''} tasks in this database`} />
        </Field>

        <p className={problem && E > 0 ? 'form-check bad' : 'form-check'} role="status">
          {problem ?? `${T} task${T === 1 ? '' : 's'} × overlap ${overlap} = ${reviews} reviews; each evaluator gets ${Math.floor(reviews / E)}${reviews % E ? `–${Math.ceil(reviews / E)}` : ''} items, balanced over ${conditions.length} condition${conditions.length === 1 ? '' : 's'}.`}
        </p>
        {error && (
          <div role="alert" className="error-banner">
            {error}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy || problem !== null || checking || (check?.refused === true && !force)}>
            {busy ? 'Creating…' : 'Create study'}
          </button>
          {check?.refused && (
            <label className="force">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Create anyway (the check refuses this design)
            </label>
          )}
          <button type="button" onClick={() => navigate('studies')}>
            Cancel
          </button>
        </div>
      </form>
      {problem === null && <CheckPanel check={check} pending={checking} error={checkError} />}
      </div>
    </section>
  );
}
