import { EventQueue } from '../events.js';

/**
 * The SMs as a fluid (processor-sharing) model between discrete events. Events are CTA starts,
 * the ends of waits, phase changes (a CTA moving on to its next stretch of keys) and ends; in
 * between, every working CTA progresses at a constant rate: its SM's throughput shared equally
 * among the CTAs working on it (one CTA alone may reach only part of it: soloFraction), times
 * one chip-wide factor that slows every CTA when their summed demand for HBM or L2 bandwidth
 * exceeds what the memory delivers (all SMs share HBM and the L2, so contention slows everyone
 * alike). A CTA that waits on memory at the start of a phase (waitCycles) holds its slot but
 * not a share of its SM. Time is counted in cycles of the SM clock.
 *
 * Time is kept two ways. Virtual cycles V advance at the full-speed rate; real cycles t advance
 * as dV / factor. Each SM has its own clock S that advances dV / (CTAs resident), so a CTA's end
 * is fixed in V when it starts and moves only when its SM's residency changes (then the few CTAs
 * on that SM are rescheduled). A change of the chip-wide factor moves no event at all: that is
 * what keeps an event O(log n + CTAs per SM) rather than O(CTAs resident on the chip).
 */

/** What one phase of a tile costs, decided by the caller when the phase starts (L2 lookups happen here). */
export interface PhaseCost {
  /** Cycles it takes alone on an SM with memory at full speed. */
  cycles: number;
  /**
   * Cycles the CTA first waits on memory with nothing to compute (a pipeline that restarts,
   * an index it must read before it can address its data): it does not hold its SM meanwhile,
   * so CTAs resident beside it use the SM, and only a CTA alone on its SM loses the time.
   * Unset: 0.
   */
  waitCycles?: number;
  /** Bytes it moves to or from HBM (misses fetched, writes that will be written back). */
  hbmBytes: number;
  /** Bytes it moves through L2 (every global request). */
  l2Bytes: number;
  /** Of its L2 read requests, the bytes that hit (for the hit-rate counter). */
  l2HitBytes: number;
  l2ReadBytes: number;
}

export interface FluidLaunch {
  sms: number;
  /** CTAs resident per SM at most (occupancy). */
  slotsPerSm: number;
  /** CTAs resident on the chip at most: sms × slotsPerSm, or the persistent grid. */
  slots: number;
  tiles: number;
  hbmBytesPerCycle: number;
  l2BytesPerCycle: number;
  /**
   * Phase `index` of `tile`, or null when the tile has no more phases. Phase 0 is asked for as
   * the tile starts (tiles start in launch order), each next one as the previous ends, so the
   * caller sees every phase in simulated time order.
   */
  phase: (tile: number, index: number) => PhaseCost | null;
  /**
   * Fraction of its SM's full rate one CTA reaches alone (1 unless the kernel says otherwise):
   * a CTA of four warps keeps one warp per SM sub-partition, too few to keep the tensor pipe
   * busy, so an SM running it alone (a launch's tail, a small launch) runs below its rate.
   * Two or more CTAs share the SM; the SM's rate is reached once k × soloFraction ≥ 1.
   */
  soloFraction?: number;
  /**
   * Cycles between two CTA starts, chip-wide: the block scheduler hands out CTAs at a finite
   * rate, so tile i starts no earlier than i × dispatchCycles after the launch, even with a
   * free slot. Matters for launches of many short CTAs. Unset: 0.
   */
  dispatchCycles?: number;
  /** Optional: told each tile's end (for a timeline), with real cycles relative to the launch. */
  onSpan?: (sm: number, tile: number, startCycle: number, endCycle: number) => void;
  /** Optional: told the counters after every event. */
  onSample?: (cycle: number, hbmBytesPerCycle: number, l2BytesPerCycle: number, l2HitRate: number, resident: number) => void;
}

export interface FluidResult {
  /** Real cycles from the first start to the last end. */
  cycles: number;
  events: number;
  /** Real cycles during which HBM (or L2) bandwidth slowed the CTAs. */
  hbmLimitedCycles: number;
  l2LimitedCycles: number;
  /** HBM bytes moved over the launch. */
  hbmBytesMoved: number;
}

/** A phase is never shorter than one cycle: an empty CTA still occupies its slot for a cycle. */
const MIN_PHASE_CYCLES = 1;

export function runFluid(launch: FluidLaunch): FluidResult {
  const { sms, tiles } = launch;
  const slots = Math.min(launch.slots, sms * launch.slotsPerSm);
  if (tiles === 0 || slots === 0) return { cycles: 0, events: 0, hbmLimitedCycles: 0, l2LimitedCycles: 0, hbmBytesMoved: 0 };

  const residents = new Int32Array(sms);
  const smClock = new Float64Array(sms);
  const smLastV = new Float64Array(sms);
  const smHbmRate = new Float64Array(sms); // Σ full-speed demand of its CTAs, bytes per cycle
  const smL2Rate = new Float64Array(sms);
  const slotTile = new Int32Array(slots).fill(-1);
  const slotPhase = new Int32Array(slots);
  const slotTarget = new Float64Array(slots);
  const slotCycles = new Float64Array(slots);
  const slotWaiting = new Uint8Array(slots); // 1 while the slot waits (not sharing its SM)
  const slotEndV = new Float64Array(slots);
  const slotHbm = new Float64Array(slots);
  const slotL2 = new Float64Array(slots);
  const slotStart = new Float64Array(slots);
  const queue = new EventQueue<number>();

  let virtual = 0;
  let real = 0;
  let hbmDemand = 0; // Σ over SMs of smHbmRate / residents: bytes per virtual cycle
  let l2Demand = 0;
  let next = 0;
  let events = 0;
  let hbmLimited = 0;
  let l2Limited = 0;
  let hitBytes = 0;
  let readBytes = 0;
  let resident = 0;
  let moved = 0; // HBM bytes moved: Σ demand per virtual cycle × virtual cycles

  const smOf = (slot: number) => slot % sms;
  // k CTAs on an SM each progress at 1/share(k) of its full rate: 1/k when they fill it, less
  // than the whole SM when one CTA alone cannot (soloFraction < 1).
  const solo = Math.min(1, Math.max(1e-3, launch.soloFraction ?? 1));
  const share = (k: number) => Math.max(k, 1 / solo);
  const factor = () => Math.min(1, hbmDemand > 0 ? launch.hbmBytesPerCycle / hbmDemand : 1, l2Demand > 0 ? launch.l2BytesPerCycle / l2Demand : 1);
  const advance = (sm: number) => {
    if (residents[sm]! > 0) smClock[sm] = smClock[sm]! + (virtual - smLastV[sm]!) / share(residents[sm]!);
    smLastV[sm] = virtual;
  };
  const changeSm = (sm: number, hbmRate: number, l2Rate: number, residentDelta: number) => {
    const k = residents[sm]!;
    if (k > 0) {
      hbmDemand -= smHbmRate[sm]! / share(k);
      l2Demand -= smL2Rate[sm]! / share(k);
    }
    smHbmRate[sm] = smHbmRate[sm]! + hbmRate;
    smL2Rate[sm] = smL2Rate[sm]! + l2Rate;
    residents[sm] = k + residentDelta;
    const k2 = residents[sm]!;
    if (k2 > 0) {
      hbmDemand += smHbmRate[sm]! / share(k2);
      l2Demand += smL2Rate[sm]! / share(k2);
    } else {
      // Exact zero, not rounding residue, when the SM empties.
      smHbmRate[sm] = 0;
      smL2Rate[sm] = 0;
    }
  };
  /** Record `cost` as the slot's current phase; returns the cycles it waits first. */
  const setPhase = (slot: number, cost: PhaseCost) => {
    const cycles = Math.max(MIN_PHASE_CYCLES, cost.cycles);
    slotCycles[slot] = cycles;
    slotHbm[slot] = cost.hbmBytes / cycles;
    slotL2[slot] = cost.l2Bytes / cycles;
    hitBytes += cost.l2HitBytes;
    readBytes += cost.l2ReadBytes;
    events += 1;
    return cost.waitCycles ?? 0;
  };
  /** The slot starts its phase's work: it joins its SM's sharing (call after advance(sm)). */
  const startWork = (slot: number) => {
    const sm = smOf(slot);
    slotWaiting[slot] = 0;
    slotTarget[slot] = smClock[sm]! + slotCycles[slot]!;
    changeSm(sm, slotHbm[slot]!, slotL2[slot]!, +1);
  };
  /** Enter the recorded phase: wait first (an event at the wait's end, in virtual cycles), or work at once. */
  const enter = (slot: number, wait: number) => {
    if (wait <= 0) {
      startWork(slot);
      return;
    }
    slotWaiting[slot] = 1;
    slotEndV[slot] = virtual + wait;
    queue.push(slotEndV[slot]!, slot);
  };
  const dispatch = launch.dispatchCycles ?? 0;
  const begin = (slot: number) => {
    const tile = next++;
    slotTile[slot] = tile;
    slotPhase[slot] = 0;
    slotStart[slot] = real;
    resident += 1;
    // Not yet handed out by the block scheduler: it waits (real cycles, in virtual ones at the current memory factor).
    const undispatched = Math.max(0, tile * dispatch - real) * factor();
    enter(slot, setPhase(slot, launch.phase(tile, 0) ?? EMPTY_PHASE) + undispatched);
  };
  const reschedule = (sm: number) => {
    const k = residents[sm]!;
    for (let slot = sm; slot < slots; slot += sms) {
      if (slotTile[slot]! < 0 || slotWaiting[slot]) continue; // a waiting slot's event is fixed
      const endV = virtual + (slotTarget[slot]! - smClock[sm]!) * share(k);
      if (endV === slotEndV[slot]) continue; // its pending event still holds
      slotEndV[slot] = endV;
      queue.push(endV, slot);
    }
  };
  const sample = () => {
    if (!launch.onSample) return;
    const f = factor();
    launch.onSample(real, hbmDemand * f, l2Demand * f, readBytes > 0 ? hitBytes / readBytes : 0, resident);
  };

  // Slots are numbered SM-fastest, so the first wave spreads one CTA per SM before doubling up.
  slotEndV.fill(NaN);
  for (let slot = 0; slot < slots && next < tiles; slot++) begin(slot);
  for (let sm = 0; sm < sms; sm++) reschedule(sm);
  sample();

  while (queue.size > 0) {
    const endV = queue.peekCycle()!;
    const slot = queue.pop()!;
    if (slotTile[slot]! < 0 || slotEndV[slot] !== endV) continue; // superseded by a reschedule
    const f = factor();
    const dt = (endV - virtual) / f;
    if (f < 1) {
      const hbmF = hbmDemand > 0 ? launch.hbmBytesPerCycle / hbmDemand : Infinity;
      const l2F = l2Demand > 0 ? launch.l2BytesPerCycle / l2Demand : Infinity;
      if (hbmF <= l2F) hbmLimited += dt;
      else l2Limited += dt;
    }
    real += dt;
    moved += hbmDemand * (endV - virtual);
    virtual = endV;
    const sm = smOf(slot);
    advance(sm);
    slotEndV[slot] = NaN;
    if (slotWaiting[slot]) {
      events += 1;
      startWork(slot);
      reschedule(sm);
      sample();
      continue;
    }
    const tile = slotTile[slot]!;
    // Its work is done: it leaves its SM's sharing, then waits or works on its next phase.
    changeSm(sm, -slotHbm[slot]!, -slotL2[slot]!, -1);
    const nextPhase = launch.phase(tile, slotPhase[slot]! + 1);
    if (nextPhase) {
      slotPhase[slot] = slotPhase[slot]! + 1;
      enter(slot, setPhase(slot, nextPhase));
    } else {
      launch.onSpan?.(sm, tile, slotStart[slot]!, real);
      slotTile[slot] = -1;
      resident -= 1;
      events += 1;
      if (next < tiles) begin(slot);
    }
    reschedule(sm);
    sample();
  }
  return { cycles: real, events, hbmLimitedCycles: hbmLimited, l2LimitedCycles: l2Limited, hbmBytesMoved: moved };
}

const EMPTY_PHASE: PhaseCost = { cycles: 0, hbmBytes: 0, l2Bytes: 0, l2HitBytes: 0, l2ReadBytes: 0 };
