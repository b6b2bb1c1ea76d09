import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

/** A highlighted range of a text, in UTF-16 offsets. */
export interface Mark {
  readonly start: number;
  readonly end: number;
  /** CSS classes of the highlight. */
  readonly className: string;
  /** Identifies the mark for scrolling and clicks (`data-mark`). */
  readonly id: string;
  readonly title?: string;
}

/** Splits a long text into chunks of about `target` UTF-16 units, at line breaks where possible. */
export function chunkText(text: string, target = 1500): readonly { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + target);
    if (end < text.length) {
      const newline = text.indexOf('\n', end);
      if (newline !== -1 && newline - start < target * 2) end = newline + 1;
      else {
        const space = text.lastIndexOf(' ', end);
        end = space > start ? space + 1 : end;
      }
    }
    chunks.push({ start, end });
    start = end;
  }
  return chunks;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly marks: readonly Mark[];
}

/** Cuts [from, to) into segments with the set of marks covering each (marks may overlap). */
export function segmentRange(from: number, to: number, marks: readonly Mark[]): Segment[] {
  const cuts = new Set([from, to]);
  for (const m of marks) {
    if (m.start > from && m.start < to) cuts.add(m.start);
    if (m.end > from && m.end < to) cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const s = points[i]!;
    const e = points[i + 1]!;
    out.push({ start: s, end: e, marks: marks.filter((m) => m.start < e && m.end > s) });
  }
  return out;
}

interface ChunkProps {
  readonly text: string;
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly marks: readonly Mark[];
  readonly marksKey: string;
  readonly onMarkClick?: ((id: string) => void) | undefined;
}

const Chunk = memo(
  function Chunk({ text, index, start, end, marks, onMarkClick }: ChunkProps): React.JSX.Element {
    return (
      <div className="chunk" data-chunk={index}>
        {segmentRange(start, end, marks).map((seg) => {
          const content = text.slice(seg.start, seg.end);
          if (seg.marks.length === 0) {
            return (
              <span key={seg.start} data-start={seg.start}>
                {content}
              </span>
            );
          }
          const top = seg.marks[seg.marks.length - 1]!;
          return (
            <mark
              key={seg.start}
              data-start={seg.start}
              data-mark={seg.marks.map((m) => m.id).join(' ')}
              className={seg.marks.map((m) => m.className).join(' ')}
              title={seg.marks.map((m) => m.title).filter(Boolean).join('\n') || undefined}
              onClick={onMarkClick ? () => onMarkClick(top.id) : undefined}
            >
              {content}
            </mark>
          );
        })}
      </div>
    );
  },
  (a, b) =>
    a.text === b.text && a.index === b.index && a.start === b.start && a.end === b.end && a.marksKey === b.marksKey && a.onMarkClick === b.onMarkClick,
);

interface Props {
  readonly text: string;
  readonly marks: readonly Mark[];
  readonly className?: string;
  readonly label?: string;
  readonly onMarkClick?: (id: string) => void;
}

/** Characters rendered at once before the user scrolls (about two screens). */
const initialChars = 6_000;

function scrollParent(el: HTMLElement | null): HTMLElement | null {
  for (let p = el?.parentElement ?? null; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowY;
    if (o === 'auto' || o === 'scroll') return p;
  }
  return null;
}

/**
 * A long text, virtualised: split into chunks, of which only those near the visible area (and
 * those holding a highlight) are rendered; the rest are placeholders of estimated height that fill
 * in as they scroll near (IntersectionObserver). A change of highlights re-renders only the chunks
 * it touches. Always text nodes: model text is never parsed as HTML.
 */
export function ChunkedText({ text, marks, className, label, onMarkClick }: Props): React.JSX.Element {
  const chunks = useMemo(() => chunkText(text), [text]);
  const container = useRef<HTMLDivElement>(null);
  const [metrics, setMetrics] = useState({ charsPerLine: 80, lineHeight: 21 });
  const [seen, setSeen] = useState<ReadonlySet<number>>(() => {
    const first = new Set<number>();
    for (let i = 0; i < chunks.length && chunks[i]!.start < initialChars; i++) first.add(i);
    return first;
  });

  const heights = useMemo(
    () =>
      chunks.map((c) => {
        let lines = 0;
        for (const line of text.slice(c.start, c.end).split('\n')) lines += Math.max(1, Math.ceil(line.length / metrics.charsPerLine));
        return lines * metrics.lineHeight;
      }),
    [chunks, text, metrics],
  );

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const style = getComputedStyle(el);
    const fontSize = parseFloat(style.fontSize) || 14;
    const lineHeight = parseFloat(style.lineHeight) || fontSize * 1.5;
    setMetrics({ charsPerLine: Math.max(20, Math.floor(el.clientWidth / (fontSize * 0.52))), lineHeight });
  }, []);

  useEffect(() => {
    const el = container.current;
    if (!el || chunks.length <= seen.size) return;
    const observer = new IntersectionObserver(
      (entries) => {
        setSeen((prev) => {
          let next: Set<number> | null = null;
          for (const e of entries) {
            const i = Number((e.target as HTMLElement).dataset['chunk']);
            if (e.isIntersecting && !prev.has(i)) (next ??= new Set(prev)).add(i);
          }
          return next ?? prev;
        });
      },
      { root: scrollParent(el), rootMargin: '1200px 0px' },
    );
    el.querySelectorAll('.chunk-placeholder').forEach((p) => observer.observe(p));
    return () => observer.disconnect();
  }, [chunks, seen]);

  return (
    <div ref={container} className={`chunked-text ${className ?? ''}`} aria-label={label} role={label ? 'region' : undefined}>
      {chunks.map((c, i) => {
        const inside = marks.filter((m) => m.start < c.end && m.end > c.start);
        if (!seen.has(i) && inside.length === 0) {
          return <div key={c.start} className="chunk-placeholder" data-chunk={i} style={{ height: heights[i] }} />;
        }
        const marksKey = inside.map((m) => `${m.id}:${m.start}:${m.end}:${m.className}`).join('|');
        return <Chunk key={c.start} index={i} text={text} start={c.start} end={c.end} marks={inside} marksKey={marksKey} onMarkClick={onMarkClick} />;
      })}
    </div>
  );
}

/** The UTF-16 range of the current text selection inside `container`, or null. */
export function selectionIn(container: HTMLElement | null): { start: number; end: number } | null {
  const sel = window.getSelection();
  if (!container || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const start = textOffsetOf(container, range.startContainer, range.startOffset);
  const end = textOffsetOf(container, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

const segmentStart = (el: Element): number => Number(el.getAttribute('data-start'));
const segmentEnd = (el: Element): number => segmentStart(el) + (el.textContent ?? '').length;

/**
 * The text offset of a DOM selection boundary inside `container`. A boundary is a text node and an
 * offset into it (mouse drags), or an element and a child index (double and triple clicks, keyboard
 * selection at a segment's edge): both count.
 */
function textOffsetOf(container: HTMLElement, node: Node, offset: number): number | null {
  const inside = (el: Element | null | undefined): el is Element => !!el && container.contains(el);
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement?.closest('[data-start]');
    return inside(seg) ? segmentStart(seg) + offset : null;
  }
  if (!(node instanceof Element)) return null;
  const seg = node.closest('[data-start]');
  if (inside(seg)) return offset === 0 ? segmentStart(seg) : segmentEnd(seg);
  // A boundary between a chunk's segments: before the next one, or after the previous one.
  const next = node.childNodes[offset];
  if (next instanceof Element && inside(next) && next.hasAttribute('data-start')) return segmentStart(next);
  const prev = offset > 0 ? node.childNodes[offset - 1] : undefined;
  if (prev instanceof Element && inside(prev) && prev.hasAttribute('data-start')) return segmentEnd(prev);
  return null;
}
