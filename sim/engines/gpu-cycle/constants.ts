/**
 * Named constants of the GPU cycle engine, each with where it comes from. Fitted values live in
 * hardware/calibration/<id>.json (section `cycle`); these are the physical defaults.
 */

/**
 * Fraction of the L2 that holds data for reuse by the SMs that asked for it. Hopper splits its
 * L2 into two partitions; an SM hits at near-partition latency only for data sets up to about
 * 25 of the 50–60 MB (RRZE-HPC gpu-benches, gpu-l2-cache/h200.txt: ~280-cycle hits to ~25 MB,
 * 465–520 cycles beyond), because lines read through the far partition are also kept near.
 * Half the capacity is the default; `attnsim calibrate` may refit it on the calibration split.
 */
export const DEFAULT_L2_EFFECTIVE_FRACTION = 0.5;

/**
 * Of the bytes an L2 miss brings from HBM, the fraction that is seen at a second L2 tag (the far
 * partition, then the near one): with lines hashed evenly over two partitions, half of them are
 * homed far from the SM that asked. Checked against the shipped ncu data: a streaming decode
 * (every byte read once) shows lts__t_bytes = 1.51 × the bytes requested.
 */
export const FAR_PARTITION_FILL_FRACTION = 0.5;

/**
 * A shared operand (the K/V of one kv head) is tracked in at most this many chunks along the
 * key axis; a CTA reads one chunk per phase (one event each). Fine enough that a causal query
 * tile reading a prefix of the keys does not make the whole copy look resident and that reads
 * are seen in time order, coarse enough that a 128K-token prefill stays near a million events.
 */
export const MAX_CHUNKS_PER_OPERAND = 32;

/**
 * Limits on one cycle-engine call, from measurements of the CLI on the 2-core reference machine:
 * about 0.9 KB of memory per CTA tile (1M tiles: ~0.9 GB peak) and about 1.1 µs per event
 * (25M events: ~30 s). The largest shipped validation case needs ~65K tiles.
 */
export const MAX_CYCLE_TILES = 1_000_000;
export const MAX_CYCLE_EVENTS = 25_000_000;

/** At most this many CTA spans are kept for a timeline (a Chrome trace stays a few MB). */
export const MAX_TIMELINE_SPANS = 20_000;

/** Counter samples kept per launch in a timeline (downsampled evenly in time beyond this). */
export const MAX_COUNTER_SAMPLES_PER_LAUNCH = 2_000;

/** Launch results kept for replay (identical layers of a model, repeated sweep points). */
export const REPLAY_CACHE_ENTRIES = 256;

/**
 * Half-width, as a fraction of the capacity, of the stack distances over which a block's lines
 * leave L2 (l2-cache.ts, survival). A modelling choice: an exact LRU is a cliff at the capacity,
 * which real L2 hashing and replacement smooth; 0.5 keeps every line up to half the capacity.
 * The fallback without a calibration: the H200's, from the L2 probe, is ±18% (l2-probe.ts).
 */
export const SURVIVAL_SPREAD = 0.5;

/**
 * L2 room taken per byte by data that SMs on both sides of the chip read (every CTA of a head
 * reads its K/V), against data one SM reads: both L2 partitions keep a copy. Measured by the L2
 * probe on the H200 (validation/harness/probe_l2.py, validation/data/h200-sxm/probes/): a
 * hot buffer read by every CTA loses as much to a stream as a private one ~1.4 times its size
 * (16 MB shared + 16 MB streamed loses 34–41%, as ~40 MB private does; 32 MB shared alone 68%).
 * That measurement (1.44, l2-probe.ts on 648 points) is the H200 calibration's `l2SharedRoom`.
 * Without a probe of the GPU at hand the engine assumes no duplication (1), with the
 * half-capacity default of DEFAULT_L2_EFFECTIVE_FRACTION standing for the split.
 */
export const SHARED_L2_ROOM = 1;
