import { useEffect, useLayoutEffect, useRef } from 'react';
import { afterNextPaint } from '../after-paint.js';
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
  /** The code is a deleted file's old text: every line is shown as deleted. */
  readonly deleted?: boolean;
  /** Names the screen layout, whose last size an editor prepared off screen takes (see prepareCodeView). */
  readonly layout?: string;
  /**
   * `stage`: the editor lives in the fixed stage layer and is placed over this view (the review
   * workspace: it can show an editor prepared off screen without restyling it). `inline` (the
   * default): inside the view, for screens that scroll.
   */
  readonly placement?: Placement;
}

/** Where a code view's editor lives: see {@link Props.placement}. */
export type Placement = 'stage' | 'inline';

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
  /** In the stage (placed over its host) rather than inside the host. */
  readonly staged: boolean;
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
      /** Whether the diff may turn inline when narrow (not while a mark is on the old side). */
      inlineAllowed: boolean;
      original: monaco.editor.ITextModel;
      modified: monaco.editor.ITextModel;
    });

function marksKeyOf(marks: readonly CodeMark[]): string {
  return marks.map((m) => `${m.id}|${m.side}|${m.lines[0]}-${m.lines[1]}|${m.className}|${m.hover}`).join('\n');
}

/**
 * Shows `marks` as line decorations (glyph, highlight, hover), and every line as deleted when the
 * code is a deleted file's old text; a no-op when they are already shown.
 */
function applyMarks(e: Editors, marks: readonly CodeMark[], deleted = false): void {
  const key = `${deleted ? 'deleted\n' : ''}${marksKeyOf(marks)}`;
  if (key === e.marksKey) return;
  e.marksKey = key;
  if (e.kind === 'diff') {
    // A narrow diff editor turns inline, and an inline diff never shows the old side's
    // decorations: with a mark on old lines, keep the two sides side by side.
    const inline = !marks.some((m) => m.side === 'base');
    if (inline !== e.inlineAllowed) {
      e.inlineAllowed = inline;
      e.diff.updateOptions({ useInlineViewWhenSpaceIsLimited: inline });
    }
  }
  for (const { side, editor } of sideEditors(e)) {
    let collection = e.collections.get(side);
    if (!collection) {
      collection = editor.createDecorationsCollection();
      e.collections.set(side, collection);
    }
    const whole: monaco.editor.IModelDeltaDecoration[] =
      deleted && side === 'output' ? [{ range: new monaco.Range(1, 1, editor.getModel()?.getLineCount() ?? 1, 1), options: { isWholeLine: true, className: 'code-deleted-line' } }] : [];
    collection.set(
      whole.concat(marks
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
        }))),
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
  if (e.kind === 'diff' && e.diff.getLineChanges() === null) {
    // The diff is still being computed (in a worker): an inline diff then inserts the old lines
    // above and pushes these out of view. Reveal them again once it is in.
    const once = e.diff.onDidUpdateDiff(() => {
      once.dispose();
      if (e.revealKey === key) {
        e.revealKey = '';
        revealIn(e, reveal);
      }
    });
  }
  sideEditors(e)
    .find((s) => s.side === reveal.side)
    ?.editor.revealLinesInCenterIfOutsideViewport(reveal.lines[0], reveal.lines[1], monaco.editor.ScrollType.Immediate);
}

/** Where an editor is, or will be, on screen (CSS pixels, relative to the viewport). */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where the review's editors live (`placement: 'stage'`): fixed slots at the end of the body, never
 * re-parented. Moving a Monaco editor's DOM into another parent throws away the computed style of
 * its thousand-odd elements, and restyling them was most of the time between one code item and the
 * next (a Chromium trace: 22 ms of 72). So an editor is created in a slot and shown by raising the
 * slot over its host (`position: fixed` at the host's rectangle); `aria-owns` puts it back inside the
 * host for assistive technology.
 *
 * A hidden slot lies beneath the app (a negative z-index; the app's background covers it), where
 * the next item's editor will most likely appear: the editor prepared for it is then painted in idle
 * time, and showing it changes one property of one element — painting a freshly shown editor was
 * the largest part of the next item's frame (a trace: 13 of 20 ms of paint).
 */
class EditorStage {
  private layer: HTMLDivElement | null = null;
  private serial = 0;

  /**
   * A new slot for an editor, hidden until {@link show}, at the place it will have (an editor
   * created at another size lays out twice, and a diff editor may start side by side, then turn inline).
   */
  slot(rect: Rect): HTMLDivElement {
    if (!this.layer) {
      this.layer = document.createElement('div');
      this.layer.className = 'code-stage';
      document.body.appendChild(this.layer);
    }
    const node = document.createElement('div');
    node.className = 'code-view-editor staged';
    node.id = `code-view-${++this.serial}`;
    this.hide(node);
    this.place(node, rect);
    this.layer.appendChild(node);
    return node;
  }

  /** Places a slot (a hidden one where it will be shown: it is painted there ahead of time). */
  place(node: HTMLDivElement, r: Rect): void {
    node.style.left = `${r.left}px`;
    node.style.top = `${r.top}px`;
    node.style.width = `${r.width}px`;
    node.style.height = `${r.height}px`;
  }

  /** Shows `node` over `host` and keeps it there while the host moves or resizes; returns the undo. */
  show(node: HTMLDivElement, host: HTMLDivElement): () => void {
    const place = (): void => this.place(node, host.getBoundingClientRect());
    place();
    node.classList.add('on-stage');
    node.removeAttribute('aria-hidden');
    host.setAttribute('aria-owns', node.id);
    const observer = new ResizeObserver(place);
    observer.observe(host);
    // the host moves without resizing when something above or beside it does, or a parent scrolls
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
      if (host.getAttribute('aria-owns') === node.id) host.removeAttribute('aria-owns');
      this.hide(node);
    };
  }

  /**
   * Hides a slot: beneath the app (only its z-index changes: nothing inside is restyled, laid out or
   * painted again, which `visibility`, `display`, `inert` or `content-visibility` would cost when
   * shown) and out of the accessibility tree. The code view takes its editor out of the tab order.
   */
  hide(node: HTMLDivElement): void {
    node.classList.remove('on-stage');
    node.setAttribute('aria-hidden', 'true');
  }
}

/**
 * The code views' editors, with their lifecycle in one place: one idle editor of each kind kept
 * between items (creating a Monaco (diff) editor costs far more than giving an existing one new
 * models), and the editor prepared off screen for the next item.
 */
class EditorPool {
  readonly stage = new EditorStage();
  private idleSingle: { editor: monaco.editor.IStandaloneCodeEditor; node: HTMLDivElement; staged: boolean } | null = null;
  private idleDiff: { diff: monaco.editor.IStandaloneDiffEditor; node: HTMLDivElement; staged: boolean } | null = null;
  /** An editor already showing the next item, rendered off screen ahead of time (see prepareCodeView). */
  prepared: { key: string; editors: Editors } | null = null;
  /** The place of the last visible code view of each layout: where the next one will most likely appear. */
  readonly lastRect = new Map<string, Rect>();

  /** New models in an idle editor, or a new editor: in a stage slot at a place, or in `host` itself. */
  create(host: HTMLDivElement | Rect, base: string | null, output: string, language: string): Editors {
    const staged = !(host instanceof HTMLDivElement);
    const fresh = (): HTMLDivElement => {
      if (!(host instanceof HTMLDivElement)) return this.stage.slot(host);
      const node = document.createElement('div');
      node.className = 'code-view-editor';
      return node;
    };
    if (base !== null) {
      const original = monaco.editor.createModel(base, language);
      const modified = monaco.editor.createModel(output, language);
      let idle = this.idleDiff?.staged === staged ? this.idleDiff : null;
      if (idle) this.idleDiff = null;
      if (!idle) {
        const node = fresh();
        idle = { node, staged, diff: monaco.editor.createDiffEditor(node, { ...editorOptions, originalEditable: false, renderSideBySide: true, ignoreTrimWhitespace: false }) };
      }
      if (host instanceof HTMLDivElement) host.appendChild(idle.node);
      else this.stage.place(idle.node, host);
      idle.diff.setModel({ original, modified });
      idle.diff.updateOptions({ useInlineViewWhenSpaceIsLimited: true });
      return { kind: 'diff', diff: idle.diff, inlineAllowed: true, original, modified, node: idle.node, staged, collections: new Map(), marksKey: '', revealKey: '' };
    }
    const model = monaco.editor.createModel(output, language);
    let idle = this.idleSingle?.staged === staged ? this.idleSingle : null;
    if (idle) this.idleSingle = null;
    if (!idle) {
      const node = fresh();
      idle = { node, staged, editor: monaco.editor.create(node, { ...editorOptions, model: null }) };
    }
    if (host instanceof HTMLDivElement) host.appendChild(idle.node);
    else this.stage.place(idle.node, host);
    idle.editor.setModel(model);
    idle.editor.setScrollTop(0);
    return { kind: 'single', editor: idle.editor, model, node: idle.node, staged, collections: new Map(), marksKey: '', revealKey: '' };
  }

  /** Puts a staged editor in or out of the tab order (a hidden one must not take focus). */
  focusable(e: Editors, on: boolean): void {
    if (e.staged) for (const { editor } of sideEditors(e)) editor.updateOptions({ tabIndex: on ? 0 : -1 });
  }

  /** The editors for a visible code view: the prepared ones when they show this code, else new. */
  acquire(host: HTMLDivElement, placement: Placement, base: string | null, output: string, language: string): Editors {
    if (placement === 'stage' && this.prepared && this.prepared.key === keyOf(base, output, language)) {
      const e = this.prepared.editors;
      this.prepared = null;
      return e;
    }
    if (placement === 'inline') return this.create(host, base, output, language);
    return this.create(host.getBoundingClientRect(), base, output, language);
  }

  /** Detaches the models (before disposing them: monaco-react #647), then keeps or disposes the editor. */
  release(e: Editors): void {
    e.revealKey = '(released)'; // a reveal waiting for this item's diff must not move the next item's
    if (e.staged) {
      this.stage.hide(e.node);
      // Out of the tab order once the next item is painted: the option re-renders the editor (a few
      // milliseconds the next item's first frame should not wait for). Meanwhile it cannot keep the focus.
      if (e.node.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
      afterNextPaint(() => {
        if (!e.node.classList.contains('on-stage')) this.focusable(e, false);
      });
    } else e.node.remove();
    // The rest can wait: the next item should not pay for tearing this one down.
    const finish = (): void => {
      for (const c of e.collections.values()) c.clear();
      e.collections.clear();
      if (e.kind === 'diff') {
        e.diff.setModel(null);
        e.original.dispose();
        e.modified.dispose();
        if (this.idleDiff === null) this.idleDiff = { diff: e.diff, node: e.node, staged: e.staged };
        else this.dispose(e.node, e.diff);
      } else {
        e.editor.setModel(null);
        e.model.dispose();
        if (this.idleSingle === null) this.idleSingle = { editor: e.editor, node: e.node, staged: e.staged };
        else this.dispose(e.node, e.editor);
      }
    };
    if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(finish, { timeout: 500 });
    else window.setTimeout(finish, 50);
  }

  private dispose(node: HTMLDivElement, editor: monaco.IDisposable): void {
    editor.dispose();
    node.remove();
  }
}

const pool = new EditorPool();

const keyOf = (base: string | null, output: string, language: string): string => `${language}\u0000${base === null ? '-' : `+${base.length}:${base}`}\u0000${output}`;

/** The place of the last visible code view of a layout (see {@link Props.layout}): where the next one will most likely appear. */
export function lastCodeViewRect(layout = 'default'): Rect | null {
  return pool.lastRect.get(layout) ?? null;
}

/**
 * Renders an item's code ahead of time, hidden at the given place, so that showing it next only
 * raises finished, painted DOM (the prefetch of the review workspace). Replaces an earlier preparation.
 */
export function prepareCodeView(
  output: string,
  base: string | null,
  language: string,
  rect: Rect,
  marks: readonly CodeMark[] = [],
  reveal: LineSelection | null = null,
  deleted = false,
): void {
  const key = keyOf(base, output, language);
  if (pool.prepared?.key === key) return;
  if (pool.prepared) pool.release(pool.prepared.editors);
  pool.prepared = null;
  const editors = pool.create(rect, base, output, language);
  pool.focusable(editors, false);
  applyMarks(editors, marks, deleted);
  revealIn(editors, reveal);
  pool.prepared = { key, editors };
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
export default function CodeView({ output, base, language, dark, marks = [], reveal = null, onMarkClick, onSelectLines, deleted = false, layout = 'default', placement = 'inline' }: Props): React.JSX.Element {
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

  // Layout effects, not passive ones: the editor is placed, marked and scrolled in the commit that
  // shows its pane, so the frame that paints the pane paints the code too (a passive effect runs
  // after that frame, and a second frame then paints the editor).
  useLayoutEffect(() => {
    const el = host.current!;
    const e = pool.acquire(el, placement, base, output, language);
    editors.current = e;
    const unplace = e.staged ? pool.stage.show(e.node, el) : null;
    // Back in the tab order after the first frame: the option re-renders the editor, which the
    // frame that first shows it should not wait for.
    const focusable = window.setTimeout(() => pool.focusable(e, true), 100);
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
    // Where the next code view will most likely appear; read after this frame, not forced now.
    const cancelRect = afterNextPaint(() => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) pool.lastRect.set(layout, { left: r.left, top: r.top, width: r.width, height: r.height });
    });
    return () => {
      cancelRect();
      window.clearTimeout(focusable);
      delete el.dataset['codeReady'];
      for (const d of disposables) d.dispose();
      editors.current = null;
      unplace?.();
      pool.release(e);
    };
  }, [output, base, language, placement, layout]);

  useLayoutEffect(() => {
    if (editors.current) applyMarks(editors.current, marks, deleted);
  }, [marks, deleted, output, base, language]);

  useLayoutEffect(() => {
    if (editors.current) revealIn(editors.current, reveal);
  }, [reveal, output, base, language]);

  return <div ref={host} className="code-view" />;
}
