import { EventQueue } from '../events.js';
import { InputError } from '../../../hardware/errors.js';
import { firingsOf, validateGraph, type PipelineGraph, type PortRate, type UnitKind } from '../../../workloads/pipelines/graph.js';

/**
 * The cycle-level dataflow engine: discrete events in cycles over units joined by bounded FIFOs.
 *
 * Timing rules (one synchronous clock; see docs/dataflow.md for the derivations they give):
 * - A unit fires when it is not stalled, its initiation interval has elapsed and every input
 *   port active on this firing holds a token; firing pops those tokens.
 * - Outputs of a firing arrive `latency` cycles later. A token occupies its FIFO from the
 *   cycle it arrives until the cycle it is popped, and it is visible to the consumer in the
 *   cycle it arrives.
 * - A FIFO slot freed by a pop in cycle t can take a new token from cycle t+1 on (the
 *   full/credit signal is registered). Each cycle is therefore two phases: all arrivals first,
 *   judged against the occupancy the cycle started with, then all firings.
 * - A unit's pipeline is elastic: it holds ceil(latency / II) results in flight. An output
 *   that finds its FIFO full waits at the end of the pipeline; results behind it keep moving
 *   up to it, and once the pipeline is full of waiting results the unit stops firing:
 *   backpressure. (For a memory stream the slots are its outstanding requests, enough to
 *   cover its latency at full rate.)
 * With these rules a bypass FIFO around a row reduction of N tokens needs N+1 slots, as in
 * Sohn, Zhang and Olukotun's streaming SDPA.
 */

export interface EngineOptions {
  /** Stop with an error after this many events (a guard against a lowering that never ends). */
  maxEvents?: number;
}

/**
 * Most events one run may take. The engine runs ~7 M events/s on a busy 2-core machine
 * (measured: 3.9 M events in 0.55 s per run of a 64K-token prefill on the generic device), so
 * 40 M events is ~6 s; a simulation makes a handful of runs (bounded and unbounded FIFOs, a
 * prefix doubled until its period shows), which keeps the worst call well under a minute.
 */
const DEFAULT_MAX_EVENTS = 40_000_000;
/**
 * Events per firing, for the estimate made before a run: each firing is one fire event and at
 * most one delivery (measured: 1.67 per firing on the SDPA pipelines).
 */
const EVENTS_PER_FIRING = 2;

/** Events of one cycle run in two phases: arrivals (deliveries into FIFOs), then firings. */
const DELIVER = 0;
const FIRE = 1;

/** Tolerance for the fractional firing schedule of bandwidth-limited streams. */
const SCHEDULE_EPSILON = 1e-9;

export interface UnitStats {
  name: string;
  kind: UnitKind;
  firings: number;
  /** Cycles its initiation interval kept it busy: firings × II. */
  busyCycles: number;
  /** Cycles it held a finished result it could not write (its output FIFO full). */
  stallCycles: number;
  /** busyCycles / run cycles. */
  utilization: number;
  firstFireCycle: number;
  /** When its last result arrived downstream (or, for a sink, completed). */
  lastDoneCycle: number;
}

export interface FifoStats {
  name: string;
  depth: number;
  tokenBytes: number;
  bypass: boolean;
  /** Most tokens it had to hold at once: the smallest depth that would not have stalled its producer. */
  peakOccupancy: number;
  pushes: number;
  pops: number;
  producer: string;
  consumer: string;
}

export interface WaitingUnit {
  unit: string;
  /** "input" waits on an empty FIFO; "output" holds a result for a full one. */
  waitsOn: 'input' | 'output';
  fifos: string[];
  firingsDone: number;
  firings: number;
}

/** Why a run stopped early: which FIFOs are full, which units wait on what, and when. */
export interface DeadlockReport {
  /** The last cycle in which anything happened. */
  cycle: number;
  fullFifos: Array<{ name: string; occupancy: number; depth: number; producer: string; consumer: string }>;
  waiting: WaitingUnit[];
  message: string;
}

export interface RunResult {
  pipeline: string;
  completed: boolean;
  /** Cycles until the last result landed (when completed), else until progress stopped. */
  cycles: number;
  units: UnitStats[];
  fifos: FifoStats[];
  deadlock: DeadlockReport | null;
  /** Completion cycle of each row of the progress unit (its row-last firings). */
  rowDoneCycles: number[];
  events: number;
}

interface PortState {
  fifo: number;
  rate: PortRate;
}

interface UnitState {
  name: string;
  kind: UnitKind;
  latency: number;
  interval: number;
  /** Results the unit's pipeline holds at once. */
  slots: number;
  rowLength: number;
  firings: number;
  inputs: PortState[];
  outputs: PortState[];
  fired: number;
  /** Earliest time of the next firing on the fractional schedule. */
  nextFire: number;
  /** Results on their way out: ready cycle and firing index, oldest first from `pendingHead`. */
  pendingReady: number[];
  pendingFiring: number[];
  pendingHead: number;
  lastDeliverCycle: number;
  fireScheduledAt: number;
  deliverScheduledAt: number;
  blockedSince: number;
  stallCycles: number;
  firstFire: number;
  lastDone: number;
}

interface FifoState {
  name: string;
  depth: number;
  tokenBytes: number;
  bypass: boolean;
  count: number;
  peak: number;
  pushes: number;
  pops: number;
  producer: number;
  consumer: number;
}

function active(rate: PortRate, position: number, rowLength: number): boolean {
  return rate === 'each' || (rate === 'rowFirst' ? position === 0 : position === rowLength - 1);
}

/** Run a pipeline to completion or deadlock. */
export function runPipeline(graph: PipelineGraph, options: EngineOptions = {}): RunResult {
  // validateGraph also insists on latency ≥ 1: arrivals and firings of a cycle are separate
  // phases, and a zero-latency unit would mix them.
  validateGraph(graph);
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  // Refused before it starts rather than after minutes: the firings are known up front.
  const estimate = EVENTS_PER_FIRING * graph.units.reduce((sum, u) => sum + firingsOf(u), 0);
  if (estimate > maxEvents) {
    throw new InputError(
      'workload',
      `simulating pipeline ${graph.name} event by event takes ~${estimate.toExponential(1)} events, above the dataflow engine's limit of ` +
        `${maxEvents.toExponential(1)} (about 6 s); use a shorter sequence, fewer sequences, or larger key blocks`,
    );
  }
  const fifoIndex = new Map(graph.fifos.map((f, i) => [f.name, i]));
  const fifos: FifoState[] = graph.fifos.map((f) => ({
    name: f.name,
    depth: f.depth,
    tokenBytes: f.tokenBytes,
    bypass: f.bypass ?? false,
    count: 0,
    peak: 0,
    pushes: 0,
    pops: 0,
    producer: -1,
    consumer: -1,
  }));
  const units: UnitState[] = graph.units.map((u, i) => {
    const ports = (list: typeof u.inputs): PortState[] => list.map((p) => ({ fifo: fifoIndex.get(p.fifo)!, rate: p.rate }));
    const state: UnitState = {
      name: u.name,
      kind: u.kind,
      latency: u.latencyCycles,
      interval: u.initiationIntervalCycles,
      slots: Math.max(1, Math.ceil(u.latencyCycles / u.initiationIntervalCycles)),
      rowLength: u.rowLength,
      firings: firingsOf(u),
      inputs: ports(u.inputs),
      outputs: ports(u.outputs),
      fired: 0,
      nextFire: 0,
      pendingReady: [],
      pendingFiring: [],
      pendingHead: 0,
      lastDeliverCycle: -1,
      fireScheduledAt: -1,
      deliverScheduledAt: -1,
      blockedSince: -1,
      stallCycles: 0,
      firstFire: -1,
      lastDone: 0,
    };
    for (const p of state.inputs) fifos[p.fifo]!.consumer = i;
    for (const p of state.outputs) fifos[p.fifo]!.producer = i;
    return state;
  });
  const progressName = graph.progressUnit ?? graph.units[graph.units.length - 1]!.name;
  const progress = units.findIndex((u) => u.name === progressName);
  const rowDoneCycles: number[] = [];

  // Events are encoded as unit index × 2 + phase, so the queue holds plain numbers.
  const queue = new EventQueue<number>();
  const scheduleFire = (u: number, cycle: number): void => {
    const s = units[u]!;
    if (s.fired === s.firings) return;
    const at = Math.max(cycle, Math.ceil(s.nextFire - SCHEDULE_EPSILON));
    if (s.fireScheduledAt === at) return;
    s.fireScheduledAt = at;
    queue.push(at, u * 2 + FIRE, FIRE);
  };
  const scheduleDeliver = (u: number, cycle: number): void => {
    const s = units[u]!;
    if (s.deliverScheduledAt === cycle) return;
    s.deliverScheduledAt = cycle;
    queue.push(cycle, u * 2 + DELIVER, DELIVER);
  };

  const deliver = (u: number, now: number): void => {
    const s = units[u]!;
    if (s.deliverScheduledAt === now) s.deliverScheduledAt = -1;
    if (s.pendingHead === s.pendingReady.length || s.pendingReady[s.pendingHead]! > now) return;
    if (s.lastDeliverCycle === now) {
      // One result per cycle leaves a unit: its output FIFOs have one write port each.
      scheduleDeliver(u, now + 1);
      return;
    }
    const firing = s.pendingFiring[s.pendingHead]!;
    const position = firing % s.rowLength;
    for (const p of s.outputs) {
      if (!active(p.rate, position, s.rowLength)) continue;
      const f = fifos[p.fifo]!;
      if (f.count >= f.depth) {
        // Full: wait in the output stage; the consumer's next pop wakes this unit.
        if (s.blockedSince < 0) s.blockedSince = now;
        return;
      }
    }
    for (const p of s.outputs) {
      if (!active(p.rate, position, s.rowLength)) continue;
      const f = fifos[p.fifo]!;
      f.count += 1;
      f.pushes += 1;
      // Pops of this cycle come after arrivals, so this count is what the FIFO must hold.
      if (f.count > f.peak) f.peak = f.count;
      scheduleFire(f.consumer, now);
    }
    s.pendingHead += 1;
    if (s.pendingHead > 64 && s.pendingHead * 2 > s.pendingReady.length) {
      s.pendingReady.splice(0, s.pendingHead);
      s.pendingFiring.splice(0, s.pendingHead);
      s.pendingHead = 0;
    }
    s.lastDeliverCycle = now;
    s.lastDone = Math.max(s.lastDone, now);
    if (s.blockedSince >= 0) {
      s.stallCycles += now - s.blockedSince;
      s.blockedSince = -1;
    }
    if (s.pendingHead < s.pendingReady.length) scheduleDeliver(u, Math.max(now + 1, s.pendingReady[s.pendingHead]!));
    // A unit whose pipeline was full may fire again in this very cycle.
    scheduleFire(u, now);
  };

  const fire = (u: number, now: number): void => {
    const s = units[u]!;
    if (s.fireScheduledAt === now) s.fireScheduledAt = -1;
    if (s.fired === s.firings) return;
    const earliest = Math.ceil(s.nextFire - SCHEDULE_EPSILON);
    if (now < earliest) {
      scheduleFire(u, earliest);
      return;
    }
    // Stalled: the pipeline is full of results (some stuck at its end); a delivery wakes it.
    if (s.pendingReady.length - s.pendingHead >= s.slots) return;
    const position = s.fired % s.rowLength;
    for (const p of s.inputs) {
      if (active(p.rate, position, s.rowLength) && fifos[p.fifo]!.count === 0) return; // the arrival wakes it
    }
    for (const p of s.inputs) {
      if (!active(p.rate, position, s.rowLength)) continue;
      const f = fifos[p.fifo]!;
      f.count -= 1;
      f.pops += 1;
      // The freed slot counts from the next cycle; a producer blocked on it retries then.
      const producer = units[f.producer]!;
      if (producer.blockedSince >= 0) scheduleDeliver(f.producer, now + 1);
    }
    const firing = s.fired;
    s.fired += 1;
    if (s.firstFire < 0) s.firstFire = now;
    // Keep the fractional schedule when firing on time; restart it after a late firing.
    s.nextFire = (now <= earliest ? s.nextFire : now) + s.interval;
    const done = now + s.latency;
    let produces = false;
    for (const p of s.outputs) if (active(p.rate, position, s.rowLength)) produces = true;
    if (produces) {
      if (s.pendingHead === s.pendingReady.length) scheduleDeliver(u, done);
      s.pendingReady.push(done);
      s.pendingFiring.push(firing);
    } else {
      s.lastDone = Math.max(s.lastDone, done);
    }
    if (u === progress && position === s.rowLength - 1) rowDoneCycles.push(done);
    scheduleFire(u, now + 1);
  };

  for (let i = 0; i < units.length; i++) scheduleFire(i, 0);
  let events = 0;
  let now = 0;
  while (queue.size > 0) {
    now = queue.peekCycle()!;
    const event = queue.pop()!;
    if (++events > maxEvents) {
      throw new InputError(`pipeline ${graph.name}`, `more than ${maxEvents} events; simulate fewer rows and extrapolate (see runCompressed)`);
    }
    const u = event >> 1;
    if ((event & 1) === DELIVER) deliver(u, now);
    else fire(u, now);
  }

  const completed = units.every((s) => s.fired === s.firings && s.pendingHead === s.pendingReady.length);
  const cycles = completed ? Math.max(...units.map((s) => s.lastDone)) : now;
  const producerName = (f: FifoState) => units[f.producer]!.name;
  const consumerName = (f: FifoState) => units[f.consumer]!.name;
  return {
    pipeline: graph.name,
    completed,
    cycles,
    units: units.map((s) => {
      const busy = s.fired * s.interval;
      return {
        name: s.name,
        kind: s.kind,
        firings: s.fired,
        busyCycles: busy,
        stallCycles: s.stallCycles,
        utilization: cycles > 0 ? Math.min(1, busy / cycles) : 0,
        firstFireCycle: s.firstFire,
        lastDoneCycle: s.lastDone,
      };
    }),
    fifos: fifos.map((f) => ({
      name: f.name,
      depth: f.depth,
      tokenBytes: f.tokenBytes,
      bypass: f.bypass,
      peakOccupancy: f.peak,
      pushes: f.pushes,
      pops: f.pops,
      producer: producerName(f),
      consumer: consumerName(f),
    })),
    deadlock: completed ? null : describeDeadlock(units, fifos, now),
    rowDoneCycles,
    events,
  };
}

function describeDeadlock(units: UnitState[], fifos: FifoState[], cycle: number): DeadlockReport {
  const fullFifos = fifos.filter((f) => f.count >= f.depth).map((f) => ({ name: f.name, occupancy: f.count, depth: f.depth, producer: units[f.producer]!.name, consumer: units[f.consumer]!.name }));
  const waiting: WaitingUnit[] = [];
  for (const s of units) {
    const stuck = s.pendingHead < s.pendingReady.length;
    if (s.fired === s.firings && !stuck) continue;
    if (stuck) {
      const position = s.pendingFiring[s.pendingHead]! % s.rowLength;
      const full = s.outputs.filter((p) => active(p.rate, position, s.rowLength) && fifos[p.fifo]!.count >= fifos[p.fifo]!.depth);
      if (full.length > 0) {
        waiting.push({ unit: s.name, waitsOn: 'output', fifos: full.map((p) => fifos[p.fifo]!.name), firingsDone: s.fired, firings: s.firings });
        continue;
      }
    }
    const position = s.fired % s.rowLength;
    const empty = s.inputs.filter((p) => active(p.rate, position, s.rowLength) && fifos[p.fifo]!.count === 0);
    waiting.push({ unit: s.name, waitsOn: 'input', fifos: empty.map((p) => fifos[p.fifo]!.name), firingsDone: s.fired, firings: s.firings });
  }
  const fullText = fullFifos.map((f) => `${f.name} (${f.occupancy}/${f.depth})`).join(', ') || 'none';
  const waitText = waiting.map((w) => `${w.unit} ${w.waitsOn === 'output' ? 'cannot write' : 'waits for'} ${w.fifos.join(', ')} (${w.firingsDone}/${w.firings} firings)`).join('; ');
  return { cycle, fullFifos, waiting, message: `deadlock at cycle ${cycle}: full FIFOs: ${fullText}; ${waitText}` };
}
