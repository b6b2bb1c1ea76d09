import { useEffect, useState } from 'react';
import type { CritiqueProvenance } from '../../../../shared/contract/critic.js';
import { call } from '../../api/client.js';
import './critic.css';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** One line of provenance: critic, sample, seed, temperature, endpoint, prompt hash, tokens, time — as text. */
function provenanceLine(c: CritiqueProvenance): string {
  const critic = (c.details?.['critic'] ?? null) as Record<string, unknown> | null;
  const usage = (critic?.['usage'] ?? null) as { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  const params = (critic?.['params'] ?? null) as { temperature?: unknown; max_tokens?: unknown } | null;
  const parts = [
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

/** The provenance of a task's critiques that a critic wrote, by critique id (`critics:ofTask`). */
export interface TaskProvenance {
  readonly byId: ReadonlyMap<string, CritiqueProvenance>;
  readonly error: string | null;
}

/** Loads the provenance of `taskId`'s generated critiques; an empty map until it arrives. */
export function useCritiqueProvenance(taskId: string): TaskProvenance {
  const [state, setState] = useState<TaskProvenance>({ byId: new Map(), error: null });
  useEffect(() => {
    let live = true;
    setState({ byId: new Map(), error: null });
    call('critics:ofTask', { id: taskId })
      .then((r) => live && setState({ byId: new Map(r.items.map((c) => [c.id, c])), error: null }))
      .catch((e: Error) => live && setState({ byId: new Map(), error: e.message }));
    return () => {
      live = false;
    };
  }, [taskId]);
  return state;
}

/**
 * Where one generated critique came from, for the researcher's preview of a task: the critic and
 * its sample, seed, endpoint host, prompt hash, tokens and time, and — for a hallucinated anchor —
 * the quote (or lines) the model claimed, which the output does not contain (never a highlight).
 * Model text is rendered as text only.
 */
export function CritiqueProvenanceNote({ item }: { readonly item: CritiqueProvenance }): React.JSX.Element {
  const unverified = str(item.details?.['unverified_quote']);
  const lines = item.details?.['unverified_lines'];
  return (
    <div className="provenance small" role="group" aria-label={`Provenance of ${item.id}`}>
      {item.hallucinated && <span className="critic-badge warn">anchor not in the text</span>}
      {unverified !== null && <span className="muted"> Claimed quote, not found in the output: “{unverified}”</span>}
      {Array.isArray(lines) && <span className="muted"> Claimed lines, not in the output: {lines.join('–')}</span>}
      <div className="muted provenance-line">{provenanceLine(item)}</div>
    </div>
  );
}
