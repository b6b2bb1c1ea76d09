import { useEffect, useState } from 'react';
import type { CritiqueProvenance } from '../../../../shared/contract/critic.js';
import { call } from '../../api/client.js';
import './critic.css';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** One line of provenance: model, critic, sample, seed, endpoint, prompt hash, tokens, time — as text. */
function provenanceLine(c: CritiqueProvenance): string {
  const critic = (c.details?.['critic'] ?? null) as Record<string, unknown> | null;
  const usage = (critic?.['usage'] ?? null) as { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  const params = (critic?.['params'] ?? null) as { temperature?: unknown; max_tokens?: unknown } | null;
  const parts = [
    c.model ? `model ${c.model}` : null,
    c.critic ? `critic ${c.critic}` : null,
    c.sample !== null ? `sample ${c.sample}` : null,
    str(critic?.['seed']) !== null ? `seed ${str(critic?.['seed'])}` : null,
    params && str(params.temperature) !== null ? `temperature ${str(params.temperature)}` : null,
    str(critic?.['endpoint']) ? `endpoint ${str(critic?.['endpoint'])}` : null,
    str(critic?.['prompt_sha256']) ? `prompt sha256 ${str(critic?.['prompt_sha256'])!.slice(0, 12)}…` : null,
    usage && str(usage.prompt_tokens) !== null ? `${str(usage.prompt_tokens)} + ${str(usage.completion_tokens)} tokens` : null,
    str(critic?.['created_at']) ? str(critic?.['created_at'])!.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : null,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

/**
 * A task's critiques that a critic wrote, with where each came from. Used by the Tasks preview;
 * model text is shown as text only. A hallucinated anchor shows the quote the model claimed, never
 * a highlight.
 */
export function CritiqueProvenanceList({ taskId }: { readonly taskId: string }): React.JSX.Element | null {
  const [items, setItems] = useState<readonly CritiqueProvenance[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('critics:ofTask', { id: taskId })
      .then((r) => setItems(r.items))
      .catch((e: Error) => setError(e.message));
  }, [taskId]);
  if (error) return <p role="alert" className="critic-error">{error}</p>;
  if (!items || items.length === 0) return null;
  return (
    <section className="provenance" aria-labelledby={`provenance-${taskId}`}>
      <h2 id={`provenance-${taskId}`}>Critiques written by critics ({items.length})</h2>
      <ul>
        {items.map((c) => {
          const unverified = str(c.details?.['unverified_quote']);
          const lines = c.details?.['unverified_lines'];
          return (
            <li key={c.id}>
              <div className="provenance-head">
                <span className="mono small">{c.id}</span>
                {c.severity && <span className="critic-badge">{c.severity}</span>}
                {c.category && <span className="critic-badge">{c.category}</span>}
                {c.score !== null && <span className="muted small">score {c.score.toFixed(2)}</span>}
                {c.hallucinated && <span className="critic-badge warn">anchor not in the text</span>}
                {!c.hallucinated && !c.anchored && <span className="critic-badge">whole output</span>}
              </div>
              <p className="provenance-text">{c.text}</p>
              {unverified !== null && <p className="small muted">Claimed quote, not found in the output: “{unverified}”</p>}
              {Array.isArray(lines) && <p className="small muted">Claimed lines, not in the output: {lines.join('–')}</p>}
              <p className="small muted">{provenanceLine(c)}</p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
