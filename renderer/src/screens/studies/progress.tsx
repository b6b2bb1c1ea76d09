/** A compact progress bar with "done / total". */
export function Progress({ done, total, label }: { readonly done: number; readonly total: number; readonly label: string }): React.JSX.Element {
  return (
    <span className="study-progress">
      <progress value={done} max={Math.max(total, 1)} aria-label={label} />
      <span className="small num">
        {done} / {total}
      </span>
    </span>
  );
}
