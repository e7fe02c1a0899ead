/**
 * The discrete-event queue shared by the cycle engines: a binary min-heap of events keyed by
 * (cycle, priority, insertion order). Equal cycles are broken by priority (lower first), then
 * by the order of `push`, so that a simulation is deterministic whatever the heap's internal
 * order. Keys live in parallel arrays rather than one object per event: the dataflow engine
 * pushes millions of events, and plain number arrays keep the heap cheap to sift.
 */
export class EventQueue<T> {
  private readonly cycles: number[] = [];
  private readonly priorities: number[] = [];
  private readonly sequence: number[] = [];
  private readonly items: T[] = [];
  private pushed = 0;

  get size(): number {
    return this.items.length;
  }

  /** Schedule `item` at `cycle`; within a cycle, lower `priority` runs first, then first pushed. */
  push(cycle: number, item: T, priority = 0): void {
    let at = this.items.length;
    this.cycles.push(cycle);
    this.priorities.push(priority);
    this.sequence.push(this.pushed++);
    this.items.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  /** The cycle of the next event, or undefined when the queue is empty. */
  peekCycle(): number | undefined {
    return this.cycles[0];
  }

  /** The priority of the next event, or undefined when the queue is empty. */
  peekPriority(): number | undefined {
    return this.priorities[0];
  }

  /** Remove and return the next event's item (its cycle is `peekCycle()` before the call). */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const last = n - 1;
    if (last > 0) this.swap(0, last);
    this.cycles.pop();
    this.priorities.pop();
    this.sequence.pop();
    this.items.pop();
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.before(right, left) ? right : left;
      if (!this.before(child, at)) break;
      this.swap(child, at);
      at = child;
    }
    return top;
  }

  clear(): void {
    this.cycles.length = 0;
    this.priorities.length = 0;
    this.sequence.length = 0;
    this.items.length = 0;
  }

  private before(a: number, b: number): boolean {
    const ca = this.cycles[a]!;
    const cb = this.cycles[b]!;
    if (ca !== cb) return ca < cb;
    const pa = this.priorities[a]!;
    const pb = this.priorities[b]!;
    if (pa !== pb) return pa < pb;
    return this.sequence[a]! < this.sequence[b]!;
  }

  private swap(a: number, b: number): void {
    const c = this.cycles[a]!;
    this.cycles[a] = this.cycles[b]!;
    this.cycles[b] = c;
    const p = this.priorities[a]!;
    this.priorities[a] = this.priorities[b]!;
    this.priorities[b] = p;
    const s = this.sequence[a]!;
    this.sequence[a] = this.sequence[b]!;
    this.sequence[b] = s;
    const item = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = item;
  }
}
