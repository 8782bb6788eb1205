// A small cache of answers by request, so going back, toggling count/rate or reopening a view
// redraws at once instead of refetching. Failed answers are not kept. Cleared when the data or the
// signed-in role changes (an upload, sign in or out).
export class AnswerCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = 64) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    const promise = load();
    this.entries.set(key, promise);
    promise.catch(() => {
      if (this.entries.get(key) === promise) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return promise;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
