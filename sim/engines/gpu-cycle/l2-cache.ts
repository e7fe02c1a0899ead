import { SURVIVAL_SPREAD } from './constants.js';
import { LruDistance } from './lru-distance.js';

/**
 * The L2 as a capacity-limited LRU cache measured in bytes, not lines. A block is resident
 * while fewer than `capacityBytes` of distinct data have been touched since its last use (its
 * LRU stack distance, kept exactly by lru-distance.ts). Accesses are told in simulated time
 * order: the fluid engine asks for each CTA phase as it starts, so CTAs that stream the same
 * K/V tiles together hit, and a reader that comes after more than the capacity of other data
 * fetches again.
 *
 * Writes are allocated dirty and reach HBM only when evicted; what is still dirty when the
 * simulation ends was never written back while it ran (ncu counts DRAM writes inside the
 * kernel's time window, and a short kernel's outputs stay in L2).
 */

/**
 * Per tracked block (a chunk of one operand copy along the key axis): the sequence number of its
 * last use, the key interval [lo, hi) its resident lines lie in (in key tiles), and how many
 * bytes of that interval are in L2. Readers read different parts of a chunk (a sliding window
 * moves along it, a causal prefix grows, a sparse mask picks scattered tiles), so a block holds
 * the union of what was read, not just the largest single read.
 */
export interface Blocks {
  lastUse: Float64Array;
  /** Sequence number of the last use in the evict-last stack (blocks loaded with that hint only). */
  lastUseLasting: Float64Array;
  residentBytes: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** L2 room one byte of this data takes (BlockOptions.room). */
  room: number;
  evictLast: boolean;
}

export interface BlockOptions {
  /**
   * Room in L2 per byte, in units of data read by one SM: a line that SMs on both sides of the
   * chip read is kept in both partitions (roomPerByte, below). Default 1.
   */
  room?: number;
  /**
   * Loaded with the evict-last cache hint (FlashAttention-3's TMA loads of K and V; none of the
   * measured kernels uses hints): lines without it go first, so these survive while less than
   * the capacity of other evict-last data has passed, whatever streams beside them. Default false.
   */
  evictLast?: boolean;
}

/**
 * Fraction of a block still in L2 after `distance` bytes of other data. An exact LRU keeps all of
 * it up to the capacity and none beyond; the real L2 is a hashed set-associative cache with an
 * approximate replacement policy, so lines of one block go at different times: the fraction
 * falls linearly across ±spread of the capacity (SURVIVAL_SPREAD unless fitted).
 */
export function survival(distance: number, capacityBytes: number, spread = SURVIVAL_SPREAD): number {
  const lo = (1 - spread) * capacityBytes;
  const hi = (1 + spread) * capacityBytes;
  return distance <= lo ? 1 : distance >= hi ? 0 : (hi - distance) / (hi - lo);
}

/**
 * L2 room per byte of data that `readers` CTAs read, on SMs spread over both partitions: with
 * probability 1 − 2^(1 − readers) both sides read it and it takes `sharedRoom` (the L2 probe's
 * measure of data every SM reads; 1.44 on the H200) rather than 1.
 */
export function roomPerByte(readers: number, sharedRoom: number): number {
  return 1 + (sharedRoom - 1) * (1 - 2 ** (1 - Math.max(1, readers)));
}

export class L2Cache {
  /** Every byte touched, in room units: the stack distance of lines loaded without a hint. */
  private readonly lru = new LruDistance();
  /** Evict-last bytes only: the stack distance of lines loaded with the evict-last hint. */
  private readonly lasting = new LruDistance();
  private readonly stamps = new Map<string, Blocks>();
  private readonly writeSequences: number[] = [];
  private readonly writeBytes: number[] = [];
  private evictedCursor = 0;
  private evictedWriteBytes = 0;
  private retiredWrittenBack = 0;
  /** Dirty data of an earlier kernel found in L2 at the start (seedDirty), in pieces, oldest first. */
  private readonly seedSequences: number[] = [];
  private seedPieceBytes = 0;
  private seedCursor = 0;

  /**
   * `sharedRoom`: L2 room per byte of data that every SM reads (SHARED_L2_ROOM); an operand read
   * by some CTAs takes roomPerByte(readers, sharedRoom) (launch-traffic.ts).
   */
  constructor(
    readonly capacityBytes: number,
    readonly spread = SURVIVAL_SPREAD,
    readonly sharedRoom = 1,
  ) {}

  /** Tracked blocks of one operand (copies × chunks), created never used. */
  blocks(key: string, count: number, options: BlockOptions = {}): Blocks {
    let b = this.stamps.get(key);
    if (!b || b.lastUse.length !== count) {
      b = {
        lastUse: new Float64Array(count),
        lastUseLasting: new Float64Array(count),
        residentBytes: new Float64Array(count),
        lo: new Float64Array(count),
        hi: new Float64Array(count),
        room: options.room ?? 1,
        evictLast: options.evictLast ?? false,
      };
      this.stamps.set(key, b);
    }
    return b;
  }

  /**
   * Read `bytes` spread evenly over key tiles [from, to) of block `index`, whose key tiles hold
   * `tileBytes` each (a dense read: bytes = (to − from) × tileBytes); returns the bytes that
   * miss and come from HBM. The part of the read inside the block's resident interval hits in
   * proportion to how much of that interval is still in L2 (lines leave as other data passes,
   * `survival`); the rest misses. Afterwards the block holds the hull of both intervals: what
   * survived plus what was just fetched. A contiguous read of a resident prefix hits in full; a
   * sparse reader that picks a few scattered tiles of a half-resident chunk hits half the time.
   */
  read(blocks: Blocks, index: number, bytes: number, from = 0, to = 1, tileBytes = bytes / (to - from)): number {
    if (bytes <= 0) return 0;
    const last = blocks.lastUse[index]!;
    const before = blocks.residentBytes[index]!;
    const lo = blocks.lo[index]!;
    const hi = blocks.hi[index]!;
    const held = this.heldOf(blocks, index);
    const width = to - from;
    const inside = held > 0 && hi > lo && width > 0 ? Math.max(0, Math.min(hi, to) - Math.max(lo, from)) / width : 0;
    // The fraction of the resident interval's lines that are in L2.
    const heldDensity = held > 0 ? Math.min(1, held / ((hi - lo) * tileBytes)) : 0;
    const hit = bytes * inside * heldDensity;
    const miss = bytes - hit;
    const hullLo = held > 0 ? Math.min(lo, from) : from;
    const hullHi = held > 0 ? Math.max(hi, to) : to;
    const now = Math.min((hullHi - hullLo) * tileBytes, held + miss);
    this.lru.release(last, before * blocks.room);
    blocks.lastUse[index] = this.lru.touch(now * blocks.room);
    if (blocks.evictLast) {
      this.lasting.release(blocks.lastUseLasting[index]!, before * blocks.room);
      blocks.lastUseLasting[index] = this.lasting.touch(now * blocks.room);
    }
    blocks.residentBytes[index] = now;
    blocks.lo[index] = hullLo;
    blocks.hi[index] = hullHi;
    return miss;
  }

  /**
   * A tile touches its own dirty data again `touches` times, evenly spaced since its last touch
   * (once per key tile of a phase: reads it back, then rewrites it). Returns the bytes that come
   * back from HBM and those written back in between (dirty lines pushed out between two
   * touches). The very first touch only allocates.
   */
  revisit(blocks: Blocks, index: number, bytes: number, touches = 1): { miss: number; writtenBack: number } {
    const last = blocks.lastUse[index]!;
    const before = blocks.residentBytes[index]!;
    // Each touch sees 1/touches of the traffic since the last recorded one.
    const held = this.held(before, last, touches);
    this.lru.release(last, before);
    blocks.lastUse[index] = this.lru.touch(bytes);
    blocks.residentBytes[index] = bytes;
    const lost = before - held;
    return last > 0 ? { miss: touches * Math.max(0, bytes - held), writtenBack: touches * lost } : { miss: 0, writtenBack: 0 };
  }

  /** The tile is done with its own data: still dirty, it is written back once pushed out. */
  retire(blocks: Blocks, index: number): void {
    const last = blocks.lastUse[index]!;
    const before = blocks.residentBytes[index]!;
    if (last <= 0) return;
    const held = this.held(before, last);
    this.lru.release(last, before);
    blocks.lastUse[index] = 0;
    blocks.residentBytes[index] = 0;
    // Pushed out already: counted as written back at once; the rest joins the dirty writes.
    this.retiredWrittenBack += before - held;
    if (held > 0) {
      this.writeSequences.push(this.lru.touch(held));
      this.writeBytes.push(held);
    }
  }

  /**
   * Of the `before` bytes a block held at its last use (`last`, 0 for never), those still in L2:
   * lines leave as distinct data passes. `touches` > 1 spreads the traffic since over that many
   * evenly spaced uses, each seeing its share.
   */
  private held(before: number, last: number, touches = 1): number {
    return last > 0 ? before * survival(this.lru.bytesSince(last) / touches, this.capacityBytes, this.spread) : 0;
  }

  /** What block `index` still holds: evict-last lines go only as other evict-last data passes. */
  private heldOf(blocks: Blocks, index: number): number {
    const before = blocks.residentBytes[index]!;
    if (!blocks.evictLast) return this.held(before, blocks.lastUse[index]!);
    const last = blocks.lastUseLasting[index]!;
    return last > 0 ? before * survival(this.lasting.bytesSince(last), this.capacityBytes, this.spread) : 0;
  }

  /**
   * Start with `bytes` of another kernel's dirty data in L2 (a memset before the call, the
   * previous layer's outputs), in `pieces` of equal size: each piece is written back once the
   * call's own traffic pushes it out. These are not the call's bytes (a profiler that flushes
   * before the kernel never sees them), but they take HBM bandwidth while the call runs.
   */
  seedDirty(bytes: number, pieces = 32): void {
    this.seedPieceBytes = bytes / pieces;
    for (let i = 0; i < pieces; i++) this.seedSequences.push(this.lru.touch(this.seedPieceBytes));
  }

  /** Bytes of the seeded dirty data written back since the last call of this method. */
  takeSeedWrittenBack(): number {
    const before = this.seedCursor;
    this.seedCursor = this.pushedOutUpTo(this.seedSequences, this.seedCursor);
    return (this.seedCursor - before) * this.seedPieceBytes;
  }

  /**
   * Of dirty data recorded in write order (`sequences`), the index of the first piece still in
   * L2, searching from `from`: later writes have less traffic after them, so the pieces pushed
   * out are a prefix.
   */
  private pushedOutUpTo(sequences: readonly number[], from: number): number {
    let i = from;
    while (i < sequences.length && this.lru.bytesSince(sequences[i]!) >= this.capacityBytes) i += 1;
    return i;
  }

  /** Data only one reader ever reads (its query tile): a compulsory miss. */
  readOnce(bytes: number): number {
    if (bytes > 0) this.lru.touch(bytes);
    return bytes;
  }

  /** Data written: allocated in L2, dirty. */
  write(bytes: number): void {
    if (bytes <= 0) return;
    this.writeSequences.push(this.lru.touch(bytes));
    this.writeBytes.push(bytes);
  }

  /** Bytes written back to HBM so far: dirty data pushed out by later traffic. */
  writtenBackBytes(): number {
    const upTo = this.pushedOutUpTo(this.writeSequences, this.evictedCursor);
    for (; this.evictedCursor < upTo; this.evictedCursor++) this.evictedWriteBytes += this.writeBytes[this.evictedCursor]!;
    return this.evictedWriteBytes + this.retiredWrittenBack;
  }
}
