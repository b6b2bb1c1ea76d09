import { useEffect, useRef, useState } from 'react';
import type { CriticRunInput, CriticRunProgress, CriticRunSummary, KeyChoice } from '../../../../shared/contract/critic.js';
import { defaultCriticName } from '../../../../shared/critic/names.js';
import { call } from '../../api/client.js';
import './critic.css';

// Tasks → Generate critiques…: a critic run from the UI. The run happens in the back end (its jobs
// worker); this dialog starts it, polls its progress and shows its summary. The API key never
// passes through here: the back end reads it from its environment or the keychain.

type KeyKind = KeyChoice['kind'];

interface Form {
  readonly baseUrl: string;
  readonly model: string;
  readonly name: string;
  readonly samples: number;
  readonly concurrency: number;
  readonly temperature: number;
  readonly maxRequests: string;
  readonly keyKind: KeyKind;
  readonly envName: string;
  readonly onDemand: boolean;
  readonly replace: boolean;
}

// What was typed last time (nothing secret), so a second run starts from it.
let remembered: Form = {
  baseUrl: 'http://127.0.0.1:11434/v1',
  model: '',
  name: '',
  samples: 1,
  concurrency: 4,
  temperature: 0.7,
  maxRequests: '',
  keyKind: 'none',
  envName: 'ASSAY_CRITIC_API_KEY',
  onDemand: true,
  replace: false,
};

function runInput(f: Form): CriticRunInput {
  const key: KeyChoice = f.keyKind === 'env' ? { kind: 'env', name: f.envName.trim() } : f.keyKind === 'keychain' ? { kind: 'keychain' } : { kind: 'none' };
  return {
    name: f.name.trim() || defaultCriticName(f.model.trim()),
    baseUrl: f.baseUrl.trim(),
    model: f.model.trim(),
    key,
    samples: f.samples,
    concurrency: f.concurrency,
    temperature: f.temperature,
    maxRequests: f.maxRequests.trim() === '' ? null : Math.max(0, Math.floor(Number(f.maxRequests))),
    onDemand: f.onDemand,
    replace: f.replace,
  };
}

type Phase =
  | { readonly kind: 'form' }
  | { readonly kind: 'running'; readonly job: string; readonly progress: CriticRunProgress | null; readonly cancelling: boolean }
  | { readonly kind: 'finished'; readonly summary: CriticRunSummary | null; readonly error: string | null };

const n = (x: number): string => x.toLocaleString('en');

/** What a run did, in words: done, failures with their reasons, hallucinated anchors, tokens. */
function Summary({ s }: { readonly s: CriticRunSummary }): React.JSX.Element {
  return (
    <div className="critic-summary" role="status">
      <p>
        <strong>
          {n(s.done)} sample{s.done === 1 ? '' : 's'} stored
        </strong>{' '}
        — {n(s.critiques)} critique{s.critiques === 1 ? '' : 's'}, {n(s.hallucinated)} with a hallucinated anchor (kept without a highlight)
        {s.alreadyStored > 0 ? `; ${n(s.alreadyStored)} already stored before` : ''}.
      </p>
      <p className="muted small">
        {n(s.requests)} request{s.requests === 1 ? '' : 's'} · {n(s.tokens.prompt)} prompt + {n(s.tokens.completion)} completion tokens · structured output: {s.structured} ·{' '}
        {(s.elapsedMs / 1000).toFixed(1)} s
      </p>
      {s.stopped && (
        <p className="critic-warn">
          Stopped: {s.stopped.message}; {n(s.notAttempted)} sample{s.notAttempted === 1 ? '' : 's'} not asked for. Generate again to finish.
        </p>
      )}
      {s.failedCount > 0 && (
        <details open>
          <summary className="critic-bad">
            {n(s.failedCount)} sample{s.failedCount === 1 ? '' : 's'} failed
          </summary>
          <ul className="critic-reasons">
            {s.failed.map((f) => (
              <li key={`${f.task}\u0000${f.sample}`}>
                <span className="mono">{f.task}</span> #{f.sample}: {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {s.refusedCount > 0 && (
        <details>
          <summary className="critic-warn">
            {n(s.refusedCount)} task{s.refusedCount === 1 ? '' : 's'} refused, not asked (a study has shown {s.refusedCount === 1 ? 'it' : 'them'}, or the critic does not read multi-file tasks)
          </summary>
          <ul className="critic-reasons">
            {s.refused.map((r) => (
              <li key={r.task}>{r.reason}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** The dialog of Tasks → Generate critiques…; `onChanged` runs after a run stored something. */
export function GenerateCritiques({ onClose, onChanged }: { readonly onClose: () => void; readonly onChanged: () => void }): React.JSX.Element {
  const [form, setForm] = useState<Form>(remembered);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [estimate, setEstimate] = useState<CriticRunSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [keychain, setKeychain] = useState<{ state: 'unavailable' | 'empty' | 'saved'; reason: string | null; envRule: string } | null>(null);
  const [newKey, setNewKey] = useState('');
  const first = useRef<HTMLInputElement>(null);
  const running = phase.kind === 'running';

  const update = (change: Partial<Form>): void => {
    setForm((f) => ({ ...f, ...change }));
    setEstimate(null);
  };
  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    remembered = form;
  }, [form]);

  useEffect(() => {
    let cancelled = false;
    call('critics:keyStatus', { baseUrl: form.baseUrl.trim() || 'http://127.0.0.1' })
      .then((k) => !cancelled && setKeychain({ state: k.keychain, reason: k.keychainReason, envRule: k.envRule }))
      .catch(() => !cancelled && setKeychain(null));
    return () => {
      cancelled = true;
    };
  }, [form.baseUrl]);

  // poll a running job
  useEffect(() => {
    if (phase.kind !== 'running') return;
    let stop = false;
    const tick = (): void => {
      call('critics:status', { job: phase.job })
        .then((s) => {
          if (stop) return;
          if (s.summary || s.error) {
            setPhase({ kind: 'finished', summary: s.summary, error: s.error });
            if ((s.summary?.done ?? 0) > 0 || s.summary?.replaced) onChanged();
          } else {
            setPhase((p) => (p.kind === 'running' ? { ...p, progress: s.progress } : p));
            timer = setTimeout(tick, 400);
          }
        })
        .catch((e: Error) => !stop && setPhase({ kind: 'finished', summary: null, error: e.message }));
    };
    let timer = setTimeout(tick, 150);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [phase.kind === 'running' ? phase.job : null]);

  const valid = form.baseUrl.trim() !== '' && form.model.trim() !== '' && (form.keyKind !== 'env' || form.envName.trim() !== '');

  const doEstimate = (): void => {
    setError(null);
    setBusy(true);
    call('critics:estimate', runInput(form))
      .then(setEstimate)
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  const start = (e: React.FormEvent): void => {
    e.preventDefault();
    if (!valid || running) return;
    setError(null);
    setBusy(true);
    call('critics:start', runInput(form))
      .then(({ job }) => setPhase({ kind: 'running', job, progress: null, cancelling: false }))
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };

  const cancel = (): void => {
    if (phase.kind !== 'running') return;
    setPhase({ ...phase, cancelling: true });
    call('critics:cancel', { job: phase.job }).catch((e: Error) => setError(e.message));
  };

  const saveKey = (): void => {
    setError(null);
    call('critics:saveKey', { baseUrl: form.baseUrl.trim(), key: newKey })
      .then(() => {
        setNewKey('');
        setKeychain((k) => (k ? { ...k, state: 'saved' } : k));
      })
      .catch((e: Error) => setError(e.message));
  };

  const close = (): void => {
    if (!running) onClose();
  };

  const progress = phase.kind === 'running' ? phase.progress : null;
  const finished = progress ? progress.done + progress.failed + progress.notAttempted : 0;
  const pct = progress && progress.planned > 0 ? Math.round((100 * finished) / progress.planned) : 0;

  return (
    <div className="critic-backdrop" onClick={close}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="generate-title"
        className="critic-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // a modal dialog keeps its keys: the screen's own (i import, j k, / search…) stay still behind it
          e.stopPropagation();
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      >
        <h2 id="generate-title">Generate critiques</h2>
        <p className="muted small">
          Asks an OpenAI-compatible endpoint (Ollama, llama.cpp's server, vLLM, LM Studio, OpenAI) to critique every task, and stores the critiques with their provenance. Samples already stored are
          never asked for again.
        </p>
        <form onSubmit={start} className="critic-form">
          <fieldset disabled={running || phase.kind === 'finished'}>
            <div className="critic-grid">
              <label htmlFor="critic-url">Endpoint</label>
              <input ref={first} id="critic-url" value={form.baseUrl} onChange={(e) => update({ baseUrl: e.target.value })} placeholder="http://127.0.0.1:11434/v1" required />
              <label htmlFor="critic-model">Model</label>
              <input id="critic-model" value={form.model} onChange={(e) => update({ model: e.target.value })} placeholder="qwen2.5:7b" required />
              <label htmlFor="critic-name">Critic name</label>
              <input
                id="critic-name"
                value={form.name}
                onChange={(e) => update({ name: e.target.value })}
                placeholder={form.model.trim() ? defaultCriticName(form.model.trim()) : 'from the model'}
                pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*"
                aria-describedby="critic-name-hint"
              />
              <span id="critic-name-hint" className="critic-hint">
                Its identity: conditions choose critiques by it (<span className="mono">critic=NAME+top-3</span>).
              </span>
              <label htmlFor="critic-samples">Samples per task</label>
              <input id="critic-samples" type="number" min={1} max={64} value={form.samples} onChange={(e) => update({ samples: Math.min(64, Math.max(1, Number(e.target.value) || 1)) })} className="narrow" />
              <label htmlFor="critic-concurrency">Concurrent requests</label>
              <input id="critic-concurrency" type="number" min={1} max={256} value={form.concurrency} onChange={(e) => update({ concurrency: Math.min(256, Math.max(1, Number(e.target.value) || 1)) })} className="narrow" />
              <label htmlFor="critic-temperature">Temperature</label>
              <input id="critic-temperature" type="number" min={0} max={2} step={0.1} value={form.temperature} onChange={(e) => update({ temperature: Math.min(2, Math.max(0, Number(e.target.value) || 0)) })} className="narrow" />
              <label htmlFor="critic-max">Most requests</label>
              <input id="critic-max" type="number" min={0} value={form.maxRequests} onChange={(e) => update({ maxRequests: e.target.value })} placeholder="no limit" className="narrow" />
              <label htmlFor="critic-key">API key</label>
              <select id="critic-key" value={form.keyKind} onChange={(e) => update({ keyKind: e.target.value as KeyKind })}>
                <option value="none">None (a local server)</option>
                <option value="env">From an environment variable</option>
                <option value="keychain" disabled={keychain?.state === 'unavailable'}>
                  From the keychain{keychain?.state === 'unavailable' ? ' (not available here)' : ''}
                </option>
              </select>
              {form.keyKind === 'env' && (
                <>
                  <label htmlFor="critic-env">Variable</label>
                  <input id="critic-env" className="mono" value={form.envName} onChange={(e) => update({ envName: e.target.value })} aria-describedby="critic-env-hint" />
                  <span id="critic-env-hint" className="critic-hint">
                    {keychain?.envRule ?? 'Set where Assay was started.'}
                  </span>
                </>
              )}
              {form.keyKind === 'keychain' && keychain && (
                <>
                  <label htmlFor="critic-newkey">{keychain.state === 'saved' ? 'Replace key' : 'Key to save'}</label>
                  <span className="critic-inline">
                    <input id="critic-newkey" type="password" autoComplete="off" value={newKey} onChange={(e) => setNewKey(e.target.value)} placeholder={keychain.state === 'saved' ? 'saved for this endpoint' : 'sk-…'} />
                    <button type="button" onClick={saveKey} disabled={newKey.trim() === ''}>
                      Save key
                    </button>
                  </span>
                </>
              )}
            </div>
            {keychain?.state === 'unavailable' && form.keyKind !== 'env' && <p className="critic-hint">Keychain: {keychain.reason}.</p>}
            <label className="critic-check">
              <input type="checkbox" checked={form.onDemand} onChange={(e) => update({ onDemand: e.target.checked })} /> Use this critic for “Ask the critic” in the practice queue
            </label>
            <label className="critic-check">
              <input type="checkbox" checked={form.replace} onChange={(e) => update({ replace: e.target.checked })} /> Replace: delete this critic’s critiques and generate them again
            </label>
          </fieldset>

          {estimate && phase.kind === 'form' && (
            <p className="critic-estimate" role="status">
              {estimate.estimate!.requests === 0
                ? `Nothing to ask: ${n(estimate.alreadyStored)} sample(s) already stored.`
                : `About ${n(estimate.estimate!.requests)} request${estimate.estimate!.requests === 1 ? '' : 's'} and ${n(estimate.estimate!.promptTokens)} prompt tokens (${n(estimate.tasks)} tasks × ${estimate.samplesPerTask}; ${n(estimate.alreadyStored)} already stored${estimate.refusedCount ? `; ${n(estimate.refusedCount)} task(s) refused: a study has shown them, or they have several files` : ''}).`}
            </p>
          )}

          {running && (
            <div className="critic-progress" aria-live="polite">
              <div className="critic-progress-label">
                <span>{phase.cancelling ? 'Cancelling…' : progress ? `${n(finished)} of ${n(progress.planned)} samples` : 'Starting…'}</span>
                {progress && (
                  <span className="muted">
                    {n(progress.critiques)} critiques · {n(progress.failed)} failed · {n(progress.requests)} requests
                  </span>
                )}
              </div>
              <div className="critic-meter" role="progressbar" aria-label="Critic run" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
                <div className="critic-meter-fill" style={{ width: `${pct}%` }} />
              </div>
            </div>
          )}

          {phase.kind === 'finished' && phase.summary && <Summary s={phase.summary} />}
          {phase.kind === 'finished' && phase.error && (
            <p role="alert" className="critic-error">
              {phase.error}
            </p>
          )}
          {error && (
            <p role="alert" className="critic-error">
              {error}
            </p>
          )}

          <div className="critic-actions">
            {phase.kind === 'form' && (
              <>
                <button type="button" onClick={doEstimate} disabled={!valid || busy}>
                  Estimate
                </button>
                <button type="submit" className="primary" disabled={!valid || busy}>
                  Generate
                </button>
                <button type="button" onClick={close}>
                  Close
                </button>
              </>
            )}
            {running && (
              <button type="button" onClick={cancel} disabled={phase.cancelling}>
                Cancel run
              </button>
            )}
            {phase.kind === 'finished' && (
              <>
                <button type="button" onClick={() => setPhase({ kind: 'form' })}>
                  Back to the settings
                </button>
                <button type="button" className="primary" onClick={close}>
                  Close
                </button>
              </>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
