import { useEffect, useRef } from 'react';
import { monaco } from '../monaco/setup.js';
import './code-view.css';

/** A highlighted line range with a glyph and a hover (a critique or an own flaw). */
export interface CodeMark {
  readonly id: string;
  readonly lines: readonly [number, number];
  readonly side: 'output' | 'base';
  /** Extra CSS class for the line and glyph, e.g. `cq-accepted cq-selected`. */
  readonly className: string;
  /** Plain text shown on hover (escaped: never interpreted as Markdown or HTML). */
  readonly hover: string;
}

/** Lines selected by the user in one of the editors. */
export interface LineSelection {
  readonly lines: readonly [number, number];
  readonly side: 'output' | 'base';
}

interface Props {
  readonly output: string;
  readonly base: string | null;
  readonly language: string;
  readonly dark: boolean;
  readonly marks?: readonly CodeMark[];
  /** Lines to bring into view when they change (the selected critique's). */
  readonly reveal?: LineSelection | null;
  readonly onMarkClick?: (id: string) => void;
  readonly onSelectLines?: (selection: LineSelection | null) => void;
}

const editorOptions: monaco.editor.IEditorOptions = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  renderValidationDecorations: 'off',
  fontSize: 13,
  automaticLayout: true,
  glyphMargin: true,
  lineNumbersMinChars: 4,
  renderLineHighlight: 'none',
  contextmenu: false,
  links: false,
};

/** Escapes Markdown so a hover shows model text literally. */
// SECURITY: Monaco renders hover messages as Markdown; model text must not become links or markup.
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

interface Shown {
  readonly node: HTMLDivElement;
  /** Decorations per side, and a key of the marks they show (to skip re-applying the same). */
  readonly collections: Map<'output' | 'base', monaco.editor.IEditorDecorationsCollection>;
  marksKey: string;
  revealKey: string;
}

type Editors =
  | (Shown & { kind: 'single'; editor: monaco.editor.IStandaloneCodeEditor; model: monaco.editor.ITextModel })
  | (Shown & {
      kind: 'diff';
      diff: monaco.editor.IStandaloneDiffEditor;
      original: monaco.editor.ITextModel;
      modified: monaco.editor.ITextModel;
    });

function marksKeyOf(marks: readonly CodeMark[]): string {
  return marks.map((m) => `${m.id}|${m.side}|${m.lines[0]}-${m.lines[1]}|${m.className}|${m.hover}`).join('\n');
}

/** Shows `marks` as line decorations (glyph, highlight, hover); a no-op when they are already shown. */
function applyMarks(e: Editors, marks: readonly CodeMark[]): void {
  const key = marksKeyOf(marks);
  if (key === e.marksKey) return;
  e.marksKey = key;
  for (const { side, editor } of sideEditors(e)) {
    let collection = e.collections.get(side);
    if (!collection) {
      collection = editor.createDecorationsCollection();
      e.collections.set(side, collection);
    }
    collection.set(
      marks
        .filter((m) => m.side === side)
        .map((m) => ({
          range: new monaco.Range(m.lines[0], 1, m.lines[1], 1),
          options: {
            isWholeLine: true,
            className: `cq-line ${m.className}`,
            glyphMarginClassName: `cq-glyph ${m.className}`,
            hoverMessage: { value: escapeMarkdown(m.hover), isTrusted: false, supportHtml: false },
            glyphMarginHoverMessage: { value: escapeMarkdown(m.hover), isTrusted: false, supportHtml: false },
            overviewRuler: { color: 'rgba(214, 160, 0, 0.8)', position: monaco.editor.OverviewRulerLane.Left },
          },
        })),
    );
  }
}

function revealIn(e: Editors, reveal: LineSelection | null): void {
  if (!reveal) return;
  // Revealing forces a layout read and a render: skip when these lines were the last revealed
  // (an editor prepared off screen arrives already scrolled there).
  const key = `${reveal.side}:${reveal.lines[0]}-${reveal.lines[1]}`;
  if (key === e.revealKey) return;
  e.revealKey = key;
  sideEditors(e)
    .find((s) => s.side === reveal.side)
    ?.editor.revealLinesInCenterIfOutsideViewport(reveal.lines[0], reveal.lines[1], monaco.editor.ScrollType.Immediate);
}

// One idle editor of each kind, kept between items: creating a Monaco (diff) editor costs far more
// than giving an existing one new models, and the review workspace shows item after item.
const idle: { single: monaco.editor.IStandaloneCodeEditor | null; diff: monaco.editor.IStandaloneDiffEditor | null; nodes: Map<object, HTMLDivElement> } = {
  single: null,
  diff: null,
  nodes: new Map(),
};

// An editor already showing the next item, rendered off screen ahead of time (see prepareCodeView).
let prepared: { key: string; editors: Editors } | null = null;
let offscreen: HTMLDivElement | null = null;

const keyOf = (base: string | null, output: string, language: string): string => `${language}\u0000${base === null ? '-' : `+${base.length}:${base}`}\u0000${output}`;

/** The size of the last visible code view: where the next one will most likely appear. */
export function lastCodeViewSize(): { width: number; height: number } | null {
  return lastSize;
}
let lastSize: { width: number; height: number } | null = null;

function acquire(host: HTMLDivElement, base: string | null, output: string, language: string): Editors {
  if (host.clientWidth > 0 && host.clientHeight > 0) lastSize = { width: host.clientWidth, height: host.clientHeight };
  if (prepared && prepared.key === keyOf(base, output, language)) {
    const e = prepared.editors;
    prepared = null;
    host.appendChild(e.node);
    return e;
  }
  return create(host, base, output, language);
}

function create(host: HTMLDivElement, base: string | null, output: string, language: string): Editors {
  if (base !== null) {
    const original = monaco.editor.createModel(base, language);
    const modified = monaco.editor.createModel(output, language);
    let diff = idle.diff;
    let node = diff ? idle.nodes.get(diff) : undefined;
    idle.diff = null;
    if (!diff || !node) {
      node = document.createElement('div');
      node.className = 'code-view-editor';
      diff = monaco.editor.createDiffEditor(node, { ...editorOptions, originalEditable: false, renderSideBySide: true, ignoreTrimWhitespace: false });
      idle.nodes.set(diff, node);
    }
    host.appendChild(node);
    diff.setModel({ original, modified });
    return { kind: 'diff', diff, original, modified, node, collections: new Map(), marksKey: '', revealKey: '' };
  }
  const model = monaco.editor.createModel(output, language);
  let editor = idle.single;
  let node = editor ? idle.nodes.get(editor) : undefined;
  idle.single = null;
  if (!editor || !node) {
    node = document.createElement('div');
    node.className = 'code-view-editor';
    editor = monaco.editor.create(node, { ...editorOptions, model: null });
    idle.nodes.set(editor, node);
  }
  host.appendChild(node);
  editor.setModel(model);
  editor.setScrollTop(0);
  return { kind: 'single', editor, model, node, collections: new Map(), marksKey: '', revealKey: '' };
}

/**
 * Renders an item's code off screen, at the given size, so that showing it next is only a move of
 * finished DOM (the prefetch of the review workspace). Replaces an earlier preparation.
 */
export function prepareCodeView(
  output: string,
  base: string | null,
  language: string,
  width: number,
  height: number,
  marks: readonly CodeMark[] = [],
  reveal: LineSelection | null = null,
): void {
  const key = keyOf(base, output, language);
  if (prepared?.key === key) return;
  if (prepared) release(prepared.editors);
  if (!offscreen) {
    offscreen = document.createElement('div');
    offscreen.className = 'code-view-offscreen';
    offscreen.setAttribute('aria-hidden', 'true');
    offscreen.inert = true;
    document.body.appendChild(offscreen);
  }
  offscreen.style.width = `${Math.round(width)}px`;
  offscreen.style.height = `${Math.round(height)}px`;
  const host = document.createElement('div');
  host.className = 'code-view';
  offscreen.appendChild(host);
  const editors = create(host, base, output, language);
  applyMarks(editors, marks);
  revealIn(editors, reveal);
  // Keep the editor's node but not the temporary host.
  offscreen.appendChild(editors.node);
  host.remove();
  prepared = { key, editors };
}

/** Detaches the models (before disposing them: monaco-react #647), then keeps or disposes the editor. */
function release(e: Editors): void {
  e.node.remove();
  // The rest can wait: the next item should not pay for tearing this one down.
  const finish = (): void => {
    for (const c of e.collections.values()) c.clear();
    e.collections.clear();
    if (e.kind === 'diff') {
      e.diff.setModel(null);
      e.original.dispose();
      e.modified.dispose();
      if (idle.diff === null) idle.diff = e.diff;
      else {
        idle.nodes.delete(e.diff);
        e.diff.dispose();
      }
    } else {
      e.editor.setModel(null);
      e.model.dispose();
      if (idle.single === null) idle.single = e.editor;
      else {
        idle.nodes.delete(e.editor);
        e.editor.dispose();
      }
    }
  };
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(finish, { timeout: 500 });
  else window.setTimeout(finish, 50);
}

function sideEditors(e: Editors): { side: 'output' | 'base'; editor: monaco.editor.ICodeEditor }[] {
  return e.kind === 'single'
    ? [{ side: 'output', editor: e.editor }]
    : [
        { side: 'base', editor: e.diff.getOriginalEditor() },
        { side: 'output', editor: e.diff.getModifiedEditor() },
      ];
}

/**
 * Read-only code, or Monaco's diff editor from `base` to `output` when there is a base, with line
 * marks (glyph, line highlight, hover). Loaded lazily. Default export for `React.lazy`.
 */
export default function CodeView({ output, base, language, dark, marks = [], reveal = null, onMarkClick, onSelectLines }: Props): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const editors = useRef<Editors | null>(null);
  const marksRef = useRef(marks);
  const onMarkClickRef = useRef(onMarkClick);
  const onSelectRef = useRef(onSelectLines);
  marksRef.current = marks;
  onMarkClickRef.current = onMarkClick;
  onSelectRef.current = onSelectLines;

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  useEffect(() => {
    const el = host.current!;
    const e = acquire(el, base, output, language);
    editors.current = e;
    const disposables: monaco.IDisposable[] = [];
    let lastSide: 'output' | 'base' | null = null;
    for (const { side, editor } of sideEditors(e)) {
      disposables.push(
        editor.onMouseDown((ev) => {
          const t = ev.target;
          const line = t.position?.lineNumber;
          if (!line) return;
          const T = monaco.editor.MouseTargetType;
          if (t.type !== T.GUTTER_GLYPH_MARGIN && t.type !== T.GUTTER_LINE_NUMBERS && t.type !== T.CONTENT_TEXT) return;
          const hit = marksRef.current
            .filter((m) => m.side === side && m.lines[0] <= line && line <= m.lines[1])
            .sort((a, b) => a.lines[1] - a.lines[0] - (b.lines[1] - b.lines[0]))[0];
          if (hit) onMarkClickRef.current?.(hit.id);
        }),
        editor.onDidChangeCursorSelection((ev) => {
          const s = ev.selection;
          if (s.isEmpty()) {
            if (lastSide === side) {
              lastSide = null;
              onSelectRef.current?.(null);
            }
            return;
          }
          const last = s.endColumn === 1 && s.endLineNumber > s.startLineNumber ? s.endLineNumber - 1 : s.endLineNumber;
          lastSide = side;
          onSelectRef.current?.({ lines: [s.startLineNumber, last], side });
        }),
      );
    }
    el.dataset['codeReady'] = 'true';
    return () => {
      delete el.dataset['codeReady'];
      for (const d of disposables) d.dispose();
      editors.current = null;
      release(e);
    };
  }, [output, base, language]);

  useEffect(() => {
    if (editors.current) applyMarks(editors.current, marks);
  }, [marks, output, base, language]);

  useEffect(() => {
    if (editors.current) revealIn(editors.current, reveal);
  }, [reveal, output, base, language]);

  return <div ref={host} className="code-view" />;
}
