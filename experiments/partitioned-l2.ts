/**
 * A line-level model of Hopper's L2, for experiments against the L2 source counters
 * (experiments/l2-lines.ts); the cycle engine's own L2 (sim/engines/gpu-cycle/l2-cache.ts) tracks
 * chunks of operands by LRU stack distance instead and does not use this.
 *
 * Hopper's L2 is two partitions, each attached to half the SMs. Every line has a home
 * partition (lines are hashed over both). An SM's request goes to its own partition first: a
 * hit there is served near. A miss on a line homed there goes to DRAM; a miss on a line homed
 * in the other partition crosses the fabric to the home slice, which serves it or fetches it
 * from DRAM, and the near partition keeps a copy. Nsight Compute counts the first lookup
 * (`lts__t_sectors_srcunit_tex_*`), the crossings and their misses
 * (`lts__t_sectors_srcunit_ltcfabric_*`) and the fills from DRAM; validation/data/h200-sxm/
 * probes/l2-sources.jsonl has them for 16 attention kernels.
 *
 * Each partition is a set-associative cache with least-recently-used replacement and hashed set
 * indices. Writes allocate in the home partition, dirty; a dirty line is written to DRAM when it
 * is evicted.
 */

export interface PartitionedL2Options {
  /** Capacity of both partitions together, bytes. */
  bytes: number;
  ways: number;
  lineBytes?: number;
  /**
   * Insertion: 'lru' puts a filled line at the most recently used position; 'dip' lets each
   * partition choose between that and bimodal insertion (at the least recently used position,
   * but 1 fill in 32 at the most recent), by set dueling (Qureshi et al., ISCA 2007), which keeps
   * part of a working set that cycles through more than the capacity. Default 'lru'.
   */
  insertion?: 'lru' | 'dip';
}

export interface PartitionedL2Counts {
  /** Line requests from SMs, and of them the ones that missed in the SM's own partition. */
  requests: number;
  nearMisses: number;
  /** Near misses on lines homed in the other partition, and of them the ones that missed there too. */
  fabricRequests: number;
  fabricMisses: number;
  /** Lines fetched from DRAM, and dirty lines written to it. */
  dramReads: number;
  dramWrites: number;
}

const EMPTY = -1;

/** A 32-bit integer hash (Murmur3's finalizer): set indices and homes spread like the hardware's hashing. */
function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Set dueling: one set in LEADER_STRIDE leads for each insertion, the rest follow the counter. */
const LEADER_STRIDE = 32;
const PSEL_MAX = 1023;
/** Bimodal insertion puts 1 fill in this many at the most recently used position. */
const BIMODAL_THROTTLE = 32;

class LruSets {
  private readonly tags: Float64Array;
  private readonly stamps: Float64Array;
  private readonly dirty: Uint8Array;
  private clock = 0;
  private psel = PSEL_MAX >> 1;
  private fills = 0;

  constructor(
    readonly sets: number,
    readonly ways: number,
    private readonly dueling = false,
  ) {
    this.tags = new Float64Array(sets * ways).fill(EMPTY);
    this.stamps = new Float64Array(sets * ways);
    this.dirty = new Uint8Array(sets * ways);
  }

  /** Touch `line` if present: true on a hit (marking it dirty when written). */
  hit(line: number, write = false): boolean {
    const base = (mix(line) % this.sets) * this.ways;
    for (let w = base; w < base + this.ways; w++) {
      if (this.tags[w] === line) {
        this.stamps[w] = ++this.clock;
        if (write) this.dirty[w] = 1;
        return true;
      }
    }
    return false;
  }

  /**
   * Insert `line` (known absent) over the least recently used way, at the most recently used
   * position or, when this fill inserts bimodally, at the least; true if a dirty line was evicted.
   */
  insert(line: number, dirty = false): boolean {
    const set = mix(line) % this.sets;
    const base = set * this.ways;
    let victim = base;
    for (let w = base; w < base + this.ways; w++) {
      if (this.tags[w] === EMPTY) {
        victim = w;
        break;
      }
      if (this.stamps[w]! < this.stamps[victim]!) victim = w;
    }
    const evictedDirty = this.tags[victim] !== EMPTY && this.dirty[victim] === 1;
    const atLeastRecent = this.bimodal(set) && ++this.fills % BIMODAL_THROTTLE !== 0;
    this.tags[victim] = line;
    this.stamps[victim] = atLeastRecent ? this.leastRecentStamp(base, victim) - 0.5 : ++this.clock;
    this.dirty[victim] = dirty ? 1 : 0;
    return evictedDirty;
  }

  /** The stamp of the least recently used way of a set besides `except` (0 where a way is empty). */
  private leastRecentStamp(base: number, except: number): number {
    let oldest = Infinity;
    for (let w = base; w < base + this.ways; w++) {
      if (w !== except) oldest = Math.min(oldest, this.tags[w] === EMPTY ? 0 : this.stamps[w]!);
    }
    return oldest === Infinity ? this.clock : oldest;
  }

  /** Does this fill (a miss) in `set` insert bimodally? Leader sets also move the counter. */
  private bimodal(set: number): boolean {
    if (!this.dueling) return false;
    const role = set % LEADER_STRIDE;
    if (role === 0) {
      this.psel = Math.min(PSEL_MAX, this.psel + 1);
      return false;
    }
    if (role === 1) {
      this.psel = Math.max(0, this.psel - 1);
      return true;
    }
    return this.psel > PSEL_MAX >> 1;
  }
}

export class PartitionedL2 {
  readonly lineBytes: number;
  readonly counts: PartitionedL2Counts = { requests: 0, nearMisses: 0, fabricRequests: 0, fabricMisses: 0, dramReads: 0, dramWrites: 0 };
  private readonly partitions: [LruSets, LruSets];

  constructor(options: PartitionedL2Options) {
    this.lineBytes = options.lineBytes ?? 128;
    const sets = Math.max(1, Math.floor(options.bytes / 2 / this.lineBytes / options.ways));
    const dueling = options.insertion === 'dip';
    this.partitions = [new LruSets(sets, options.ways, dueling), new LruSets(sets, options.ways, dueling)];
  }

  /** The partition a line is homed in. */
  static homeOf(line: number): 0 | 1 {
    return (mix(line ^ 0x5bd1e995) & 1) as 0 | 1;
  }

  /** An SM attached to `partition` reads `line`. */
  read(partition: 0 | 1, line: number): void {
    const c = this.counts;
    c.requests += 1;
    const near = this.partitions[partition];
    if (near.hit(line)) return;
    c.nearMisses += 1;
    const home = PartitionedL2.homeOf(line);
    if (home !== partition) {
      c.fabricRequests += 1;
      const far = this.partitions[home];
      if (!far.hit(line)) {
        c.fabricMisses += 1;
        c.dramReads += 1;
        this.fill(far, line, false);
      }
    } else {
      c.dramReads += 1;
    }
    this.fill(near, line, false);
  }

  /** A write of a whole line: allocated dirty in its home partition. */
  write(line: number): void {
    const home = this.partitions[PartitionedL2.homeOf(line)];
    if (!home.hit(line, true)) this.fill(home, line, true);
  }

  private fill(sets: LruSets, line: number, dirty: boolean): void {
    if (sets.insert(line, dirty)) this.counts.dramWrites += 1;
  }
}
