import { useRef, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import { call } from '../../api/client.js';
import { routeFiles } from '../../files/route-files.js';
import { navigate } from '../../router.js';
import { useEvaluatorChoice } from '../review/profile.js';
import { refreshPacks } from '../review/results-state.js';
import { readFiles } from '../studies/files.js';
import { useKeys } from '../studies/use-keys.js';
import { ImportArea } from './import-area.js';

interface Props {
  readonly info: OpOutput<'app:info'>;
  readonly onChanged: () => void;
}

/**
 * The first screen of an empty database. Most people who meet it are evaluators with a pack from
 * their researcher, so opening a pack comes first (key `o`); then the researcher's way in: import a
 * task package (`i`) or load the demo tasks. Any Assay file dropped here goes where it belongs.
 */
export function Welcome({ info, onChanged }: Props): React.JSX.Element {
  const [, chooseEvaluator] = useEvaluatorChoice();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const packInput = useRef<HTMLInputElement>(null);
  useKeys({ o: () => packInput.current?.click() });

  const openPack = async (list: FileList | null): Promise<void> => {
    const chosen = [...(list ?? [])];
    if (chosen.length === 0) return;
    setError(null);
    setBusy(true);
    try {
      const { own, routed } = await routeFiles(chosen, 'pack-open');
      const failed = routed.find((r) => !r.ok);
      if (failed) throw new Error(failed.message);
      let evaluator = routed.find((r) => r.evaluator)?.evaluator;
      for (const file of own) {
        const [content] = await readFiles([file]);
        try {
          evaluator = (await call('packs:import', content!)).evaluator;
        } catch (e) {
          throw new Error(`Could not open ${file.name}: ${(e as Error).message}`);
        }
      }
      void refreshPacks().catch(() => undefined);
      onChanged();
      if (evaluator) {
        chooseEvaluator(evaluator); // the Review place opens on this evaluator's queue
        navigate('review');
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const loadDemo = (): void => {
    setBusy(true);
    call('demo:load', {})
      .then(() => onChanged())
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  return (
    <section className="empty-state welcome" aria-labelledby="welcome-title">
      <ImportArea
        onImported={onChanged}
        primary={false}
        lead={
          <>
            <h1 id="welcome-title">Welcome to Assay</h1>
            <div className="welcome-card">
              <h2>Did a researcher send you a pack?</h2>
              <p>A pack is a file ending in <span className="mono">.assay-pack.json</span>: the items you are asked to review. Open it here, review, then send back the results file Assay makes for you.</p>
              <div className="row">
                <button type="button" className="primary" onClick={() => packInput.current?.click()} disabled={busy} aria-keyshortcuts="o" autoFocus>
                  Open a pack from your researcher…
                </button>
                <kbd aria-hidden="true">o</kbd>
                <input
                  ref={packInput}
                  type="file"
                  accept=".json,application/json"
                  hidden
                  aria-label="Pack file"
                  onChange={(e) => {
                    void openPack(e.currentTarget.files);
                    e.currentTarget.value = '';
                  }}
                />
              </div>
              {error && (
                <p role="alert" className="form-error">
                  {error}
                </p>
              )}
            </div>
            <h2 className="welcome-researcher">Setting up a study?</h2>
            <p>
              Import your tasks as a task package (JSON Lines, one task per line; see docs/task-format.md), or load the demo tasks — three summaries and a code diff, each with
              model critiques — to see how a review works.
            </p>
          </>
        }
        extra={
          <button type="button" onClick={loadDemo} disabled={busy}>
            {busy ? 'Loading…' : 'Load demo tasks'}
          </button>
        }
      >
        <p className="muted small">Database: {info.dbPath}</p>
      </ImportArea>
    </section>
  );
}
