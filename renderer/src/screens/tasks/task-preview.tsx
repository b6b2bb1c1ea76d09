import { Suspense, lazy, useEffect, useState } from 'react';
import type { TaskView } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';
import { useDarkMode } from '../../use-dark.js';
import { CritiqueProvenanceList } from './critique-provenance.js';

const CodeView = lazy(() => import('../../components/code-view.js'));

interface Props {
  readonly id: string;
  readonly onClose: () => void;
}

/** A read-only look at one task: context beside the output. */
export function TaskPreview({ id, onClose }: Props): React.JSX.Element {
  const [task, setTask] = useState<TaskView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dark = useDarkMode();

  useEffect(() => {
    call('tasks:get', { id })
      .then(setTask)
      .catch((e: Error) => setError(e.message));
  }, [id]);

  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (!task) return <div className="placeholder" aria-busy="true" />;

  return (
    <section className="preview" aria-label={`Task ${task.title ?? task.id}`}>
      <div className="preview-bar">
        <button type="button" onClick={onClose}>
          ← Tasks
        </button>
        <h1>{task.title ?? task.id}</h1>
      </div>
      <div className="preview-panes">
        <div className="pane">
          <h2>Context</h2>
          {task.context?.query && <p className="query">{task.context.query}</p>}
          {task.context?.problem && <p className="document">{task.context.problem}</p>}
          {task.context?.document && <p className="document">{task.context.document}</p>}
          {!task.context && <p className="muted">No context.</p>}
        </div>
        <div className="pane">
          <h2>Output</h2>
          {task.kind === 'code' ? (
            <div className="code-host">
              <Suspense fallback={<div className="placeholder" aria-busy="true" />}>
                <CodeView output={task.output} base={task.base} language={task.language ?? 'plaintext'} dark={dark} />
              </Suspense>
            </div>
          ) : (
            <p className="document">{task.output}</p>
          )}
        </div>
      </div>
      <CritiqueProvenanceList taskId={task.id} />
    </section>
  );
}
