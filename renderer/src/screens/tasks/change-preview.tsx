import { useMemo } from 'react';
import type { TaskFileView } from '../../../../shared/contract/tasks.js';
import { OutputView, type OutputMark } from '../../components/output-view.js';
import { FileList, statusText } from '../review/file-list.js';

/** What {@link ChangePreview} shows: the files, the one open, and marks on them (each with its path). */
export interface ChangeProps {
  readonly files: readonly TaskFileView[];
  /** The file to show; null or unknown: the first. */
  readonly path: string | null;
  readonly language: string | null;
  readonly marks: readonly OutputMark[];
  readonly selected: string | null;
  readonly onOpen: (path: string) => void;
  readonly onMarkClick: (id: string) => void;
}

/**
 * A multi-file task's change in the preview: the file list (as the review shows it, without counts)
 * beside one file — a diff, new code, or a deleted file's old text — with that file's marks.
 */
export function ChangePreview({ files, path, language, marks, selected, onOpen, onMarkClick }: ChangeProps): React.JSX.Element {
  const file = files.find((f) => f.path === path) ?? files[0]!;
  const shown = useMemo(() => {
    const here = marks.filter((m) => m.range.path === file.path);
    // a deleted file is shown as its old text alone: its marks (on old lines) move to that one side
    if (file.deleted && file.base !== null) return { output: file.base, base: null, marks: here.filter((m) => m.range.side === 'base').map((m) => ({ ...m, range: { ...m.range, side: 'output' as const } })) };
    return { output: file.output, base: file.base, marks: here };
  }, [file, marks]);
  return (
    <div className="preview-change">
      <FileList files={files} current={file.path} onOpen={onOpen} />
      <div className="change-file">
        <div className="file-head">
          <span className="file-head-path mono">{file.path}</span>
          <span className="muted small">{statusText(file)}</span>
        </div>
        <OutputView
          kind="code"
          output={shown.output}
          base={shown.base}
          language={file.language ?? language}
          marks={shown.marks}
          selected={selected}
          onMarkClick={onMarkClick}
          label={`Output: ${file.path}`}
          deleted={file.deleted}
        />
      </div>
    </div>
  );
}
