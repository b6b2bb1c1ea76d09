/**
 * A persistent sorted map from strings to values: an AVL tree with path copying. `set` and
 * `delete` return a new map in O(log n) and share every untouched node with the old one, so a
 * review's undo history can keep earlier contents without copying them (replay stays linear in the
 * number of events instead of quadratic).
 */
interface Node<V> {
  readonly key: string;
  readonly value: V;
  readonly left: Node<V> | null;
  readonly right: Node<V> | null;
  readonly height: number;
  readonly size: number;
}

const height = <V>(n: Node<V> | null): number => (n ? n.height : 0);
const sizeOf = <V>(n: Node<V> | null): number => (n ? n.size : 0);

function node<V>(key: string, value: V, left: Node<V> | null, right: Node<V> | null): Node<V> {
  return { key, value, left, right, height: Math.max(height(left), height(right)) + 1, size: sizeOf(left) + sizeOf(right) + 1 };
}

/** Rebuilds `n` with new children, rotating once or twice when their heights differ by two. */
function balance<V>(key: string, value: V, left: Node<V> | null, right: Node<V> | null): Node<V> {
  const hl = height(left);
  const hr = height(right);
  if (hl > hr + 1) {
    const l = left!;
    if (height(l.left) >= height(l.right)) return node(l.key, l.value, l.left, node(key, value, l.right, right));
    const lr = l.right!;
    return node(lr.key, lr.value, node(l.key, l.value, l.left, lr.left), node(key, value, lr.right, right));
  }
  if (hr > hl + 1) {
    const r = right!;
    if (height(r.right) >= height(r.left)) return node(r.key, r.value, node(key, value, left, r.left), r.right);
    const rl = r.left!;
    return node(rl.key, rl.value, node(key, value, left, rl.left), node(r.key, r.value, rl.right, r.right));
  }
  return node(key, value, left, right);
}

function insert<V>(n: Node<V> | null, key: string, value: V): Node<V> {
  if (!n) return node(key, value, null, null);
  if (key < n.key) return balance(n.key, n.value, insert(n.left, key, value), n.right);
  if (key > n.key) return balance(n.key, n.value, n.left, insert(n.right, key, value));
  return node(key, value, n.left, n.right);
}

function removeMin<V>(n: Node<V>): { min: Node<V>; rest: Node<V> | null } {
  if (!n.left) return { min: n, rest: n.right };
  const { min, rest } = removeMin(n.left);
  return { min, rest: balance(n.key, n.value, rest, n.right) };
}

function remove<V>(n: Node<V> | null, key: string): Node<V> | null {
  if (!n) return null;
  if (key < n.key) return balance(n.key, n.value, remove(n.left, key), n.right);
  if (key > n.key) return balance(n.key, n.value, n.left, remove(n.right, key));
  if (!n.left) return n.right;
  if (!n.right) return n.left;
  const { min, rest } = removeMin(n.right);
  return balance(min.key, min.value, n.left, rest);
}

/** An immutable map with string keys kept in code-unit order; every update returns a new map. */
export class SortedMap<V> {
  private static readonly none = new SortedMap<never>(null);

  private constructor(private readonly root: Node<V> | null) {}

  /** The empty map. */
  static empty<V>(): SortedMap<V> {
    return SortedMap.none as SortedMap<V>;
  }

  /** A map holding `entries` (later duplicates win). */
  static of<V>(entries: Iterable<readonly [string, V]>): SortedMap<V> {
    let map = SortedMap.empty<V>();
    for (const [k, v] of entries) map = map.set(k, v);
    return map;
  }

  /** Number of entries, in O(1). */
  get size(): number {
    return sizeOf(this.root);
  }

  /** The value for `key`, in O(log n). */
  get(key: string): V | undefined {
    let n = this.root;
    while (n) {
      if (key < n.key) n = n.left;
      else if (key > n.key) n = n.right;
      else return n.value;
    }
    return undefined;
  }

  /** True when `key` is in the map. */
  has(key: string): boolean {
    let n = this.root;
    while (n) {
      if (key < n.key) n = n.left;
      else if (key > n.key) n = n.right;
      else return true;
    }
    return false;
  }

  /** A map with `key` set to `value`, in O(log n). */
  set(key: string, value: V): SortedMap<V> {
    return new SortedMap(insert(this.root, key, value));
  }

  /** A map without `key` (the same map when it is absent), in O(log n). */
  delete(key: string): SortedMap<V> {
    return this.has(key) ? new SortedMap(remove(this.root, key)) : this;
  }

  /** Every entry in key order, in O(n). */
  entries(): [string, V][] {
    const out: [string, V][] = [];
    const stack: Node<V>[] = [];
    let n = this.root;
    while (n || stack.length > 0) {
      while (n) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop()!;
      out.push([top.key, top.value]);
      n = top.right;
    }
    return out;
  }

  /** The tree's height: at most about 1.44·log2(n + 2), whatever the order of updates (for tests). */
  get depth(): number {
    return height(this.root);
  }
}
