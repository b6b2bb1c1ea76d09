/** `1 task`, `2,048 tasks`: a count with its noun, grouped in thousands the same way everywhere. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
