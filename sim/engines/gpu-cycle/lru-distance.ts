/**
 * Exact LRU stack distances in bytes. Every access gets the next sequence number; the bytes a
 * block holds are recorded at the sequence number of its last access (and removed from its
 * previous one), in a Fenwick tree. The distinct bytes touched since a block's last access are
 * then the sum over later sequence numbers: O(log n) per access. The tree doubles as needed.
 */
export class LruDistance {
  private tree = new Float64Array(1 << 12);
  private values = new Float64Array(1 << 12);
  private totalBytes = 0;
  private nextSequence = 1; // Fenwick trees count from 1

  /** Record `bytes` held from a new access; returns its sequence number. */
  touch(bytes: number): number {
    const at = this.nextSequence++;
    if (at >= this.tree.length) this.grow();
    this.add(at, bytes);
    return at;
  }

  /** Drop what an earlier access at `sequence` held (the block was touched again). */
  release(sequence: number, bytes: number): void {
    if (sequence > 0) this.add(sequence, -bytes);
  }

  /** Distinct bytes touched after the access at `sequence`. */
  bytesSince(sequence: number): number {
    return this.totalBytes - this.prefix(sequence);
  }

  private add(index: number, bytes: number): void {
    this.values[index] = this.values[index]! + bytes;
    this.totalBytes += bytes;
    for (let i = index; i < this.tree.length; i += i & -i) this.tree[i] = this.tree[i]! + bytes;
  }

  private prefix(index: number): number {
    let sum = 0;
    for (let i = Math.min(index, this.tree.length - 1); i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  private grow(): void {
    const values = new Float64Array(this.tree.length * 2);
    values.set(this.values);
    const tree = new Float64Array(values.length);
    // Linear-time build: each node passes its sum to its parent.
    for (let i = 1; i < tree.length; i++) {
      tree[i] = tree[i]! + values[i]!;
      const parent = i + (i & -i);
      if (parent < tree.length) tree[parent] = tree[parent]! + tree[i]!;
    }
    this.values = values;
    this.tree = tree;
  }
}
