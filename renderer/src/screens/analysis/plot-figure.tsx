import { useEffect, useRef } from 'react';

/**
 * Turns an SVG element into standalone SVG text with the colours it inherits made explicit: the
 * text colour, the font, and every CSS variable the plot's marks use (`var(--bg)` for a hollow dot
 * would otherwise fill it black in a file opened outside the app).
 */
function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const style = getComputedStyle(svg);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.style.color = style.color;
  clone.style.fontFamily = style.fontFamily;
  const used = new Set([...clone.outerHTML.matchAll(/var\((--[\w-]+)\)/g)].map((m) => m[1]!));
  for (const name of used) clone.style.setProperty(name, style.getPropertyValue(name).trim());
  return new XMLSerializer().serializeToString(clone);
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a plot as SVG. */
function exportSvg(svg: SVGSVGElement, name: string): void {
  download(new Blob([svgText(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** Saves a plot as PNG at twice its size, on the page's background colour. */
function exportPng(svg: SVGSVGElement, name: string): void {
  const { width, height } = svg.getBoundingClientRect();
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && download(blob, `${name}.png`), 'image/png');
  };
  // a data: URL (the CSP allows data: images, and a canvas stays clean with it)
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText(svg))}`;
}

/**
 * A titled plot drawn by `render` (an Observable Plot call) into a fixed-height box, with SVG and
 * PNG export. `render` runs again when `deps` change; an empty result shows `empty`.
 */
export function PlotFigure(props: {
  readonly title: string;
  readonly name: string;
  readonly height: number;
  readonly render: (width: number) => Element | null;
  readonly deps: readonly unknown[];
  readonly note?: string;
  readonly empty?: string;
}): React.JSX.Element {
  const host = useRef<HTMLDivElement | null>(null);
  const { render, deps } = props;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const draw = (): void => {
      const plot = render(Math.max(240, Math.floor(el.clientWidth)));
      if (plot) el.replaceChildren(plot);
      else {
        const p = document.createElement('p');
        p.className = 'plot-empty muted';
        p.textContent = props.empty ?? 'Nothing to plot yet: no finished reviews.';
        el.replaceChildren(p);
      }
    };
    draw();
    let lastWidth = el.clientWidth;
    const observer = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - lastWidth) < 8) return;
      lastWidth = el.clientWidth;
      draw();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, deps); // render is a new closure each time: deps say when the plot changes
  const svg = (): SVGSVGElement | null => host.current?.querySelector<SVGSVGElement>(':scope > svg, :scope > figure > svg') ?? null;
  return (
    <figure className="plot-figure" aria-label={props.title}>
      <figcaption>
        <span className="plot-title">{props.title}</span>
        <span className="spacer" />
        <button type="button" className="small-button" aria-label={`Export ${props.title} as SVG`} onClick={() => svg() && exportSvg(svg()!, props.name)}>
          SVG
        </button>
        <button type="button" className="small-button" aria-label={`Export ${props.title} as PNG`} onClick={() => svg() && exportPng(svg()!, props.name)}>
          PNG
        </button>
      </figcaption>
      <div className="plot-host" ref={host} style={{ minHeight: props.height }} />
      {props.note && <p className="plot-note muted small">{props.note}</p>}
    </figure>
  );
}
