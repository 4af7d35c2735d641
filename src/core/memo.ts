/**
 * Values kept by key, at most `limit` of them: when full it is emptied and fills again. For pure
 * work asked for the same few keys over and over (folded keywords, answer patterns, reply
 * schemas), where a key space that keeps growing (every turn's own budget, every player's input)
 * must not grow the process with it. Pure.
 */
export class BoundedCache<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.values.size;
  }

  get(key: K): V | undefined {
    return this.values.get(key);
  }

  set(key: K, value: V): V {
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(key, value);
    return value;
  }

  /** The value kept for `key`, made (and kept) if there is none. */
  getOr(key: K, make: () => V): V {
    return this.values.has(key) ? (this.values.get(key) as V) : this.set(key, make());
  }
}
