import { useCallback, useRef, useState } from 'react';

const storageKey = 'assay.review.panes';

/**
 * The narrowest each pane may get, in CSS pixels: context, output, panel. The panel needs room for
 * a critique's actions (Accept, Reject, Edit) and the rating; at 1024 px all three fit at these.
 */
export const paneMinWidths: readonly number[] = [180, 300, 300];

function loadWidths(layout: string, defaults: readonly number[]): number[] {
  try {
    const raw = JSON.parse(window.localStorage.getItem(`${storageKey}.${layout}`) ?? 'null') as unknown;
    if (Array.isArray(raw) && raw.length === defaults.length && raw.every((x) => typeof x === 'number' && x > 0)) return raw as number[];
  } catch {
    // fall through to the default
  }
  return [...defaults];
}

/**
 * Moves the boundary after pane `i` by `delta` (a fraction of the width), keeping each of the two
 * panes at least its minimum (`mins`, fractions of the width). A boundary that already has less
 * room than the minimums allow does not move towards the smaller side.
 */
export function resize(widths: readonly number[], i: number, delta: number, mins: readonly number[]): number[] {
  const next = [...widths];
  const a = next[i]!;
  const b = next[i + 1]!;
  const lo = Math.min(0, mins[i]! - a);
  const hi = Math.max(0, b - mins[i + 1]!);
  const d = Math.max(lo, Math.min(hi, delta));
  next[i] = a + d;
  next[i + 1] = b - d;
  return next;
}

/** The minimum widths as fractions of `total` pixels (of the panes alone, handles excluded). */
export function minFractions(minWidths: readonly number[], total: number, sum: number): number[] {
  return minWidths.map((px) => (total > 0 ? (px / total) * sum : 0));
}

interface Props {
  readonly children: readonly React.ReactNode[];
  readonly labels: readonly string[];
  /** Names the remembered widths (e.g. one layout for summaries, one for code). */
  readonly layout: string;
  /** Initial width fractions, one per pane. */
  readonly defaults: readonly number[];
  /** The narrowest each pane may get, in pixels (the grid keeps them; dragging stops there). */
  readonly minWidths: readonly number[];
}

/**
 * Side-by-side panes with drag handles between them (CSS grid). Handles are separators: drag them,
 * or focus one and use ←/→. Widths are remembered.
 */
export function ResizablePanes({ children, labels, layout, defaults, minWidths }: Props): React.JSX.Element {
  const count = children.length;
  const [widths, setWidths] = useState(() => loadWidths(layout, defaults));
  const grid = useRef<HTMLDivElement>(null);
  const store = useCallback(
    (w: number[]) => {
      setWidths(w);
      try {
        window.localStorage.setItem(`${storageKey}.${layout}`, JSON.stringify(w));
      } catch {
        // not remembered
      }
    },
    [layout],
  );
  // Each pane keeps its minimum width whatever the stored fractions say; the rest is shared by them.
  const columns = widths.map((w, i) => `minmax(${minWidths[i] ?? 0}px, ${w}fr)`).join(' 5px ');
  const sum = widths.reduce((a, b) => a + b, 0);
  const paneWidth = (): number => (grid.current?.getBoundingClientRect().width ?? 0) - 5 * (count - 1);
  const startDrag = (i: number, e: React.PointerEvent): void => {
    e.preventDefault();
    const total = paneWidth();
    const mins = minFractions(minWidths, total, sum);
    const startX = e.clientX;
    const start = widths;
    const onMove = (ev: PointerEvent): void => store(resize(start, i, ((ev.clientX - startX) / total) * sum, mins));
    const onUp = (): void => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      document.body.classList.remove('resizing');
    };
    document.body.classList.add('resizing');
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
  };
  const items: React.ReactNode[] = [];
  children.forEach((child, i) => {
    items.push(
      <div key={`p${i}`} className="ws-pane" aria-label={labels[i]} role="region">
        {child}
      </div>,
    );
    if (i < count - 1) {
      items.push(
        <div
          key={`h${i}`}
          className="pane-handle"
          role="separator"
          aria-orientation="vertical"
          aria-label={`Resize ${labels[i]} and ${labels[i + 1]}`}
          aria-valuenow={Math.round(widths[i]! * 100)}
          tabIndex={0}
          onPointerDown={(e) => startDrag(i, e)}
          onDoubleClick={() => store([...defaults])}
          onKeyDown={(e) => {
            if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
              e.preventDefault();
              store(resize(widths, i, (e.key === 'ArrowLeft' ? -0.02 : 0.02) * sum, minFractions(minWidths, paneWidth(), sum)));
            }
          }}
        />,
      );
    }
  });
  return (
    <div ref={grid} className="ws-panes" style={{ gridTemplateColumns: columns }}>
      {items}
    </div>
  );
}
