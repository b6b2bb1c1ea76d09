/**
 * Runs `f` once the next frame is painted (a task queued from that frame's animation callback):
 * for work that should not delay what the frame shows. Returns the cancel.
 */
export function afterNextPaint(f: () => void): () => void {
  let timer = 0;
  const frame = requestAnimationFrame(() => {
    timer = window.setTimeout(f, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    window.clearTimeout(timer);
  };
}
