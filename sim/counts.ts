/** Reads and writes at one memory level, in bytes. */
export interface ReadWrite {
  read: number;
  write: number;
}

/** Action counts: what a launch (or a whole call) does, before any cost is attached. */
export interface Counts {
  /** Tensor-core FLOPs executed (padding and masked elements included). */
  matrixFlops: number;
  /** Tensor FLOPs on real rows: what the datapath's energy follows. */
  activeMatrixFlops: number;
  vectorFlops: number;
  exps: number;
  bytes: { hbm: ReadWrite; l2: ReadWrite; smem: ReadWrite };
}

export function zeroCounts(): Counts {
  return { matrixFlops: 0, activeMatrixFlops: 0, vectorFlops: 0, exps: 0, bytes: { hbm: { read: 0, write: 0 }, l2: { read: 0, write: 0 }, smem: { read: 0, write: 0 } } };
}

export function addCounts(a: Counts, b: Counts): Counts {
  const rw = (x: ReadWrite, y: ReadWrite): ReadWrite => ({ read: x.read + y.read, write: x.write + y.write });
  return {
    matrixFlops: a.matrixFlops + b.matrixFlops,
    activeMatrixFlops: a.activeMatrixFlops + b.activeMatrixFlops,
    vectorFlops: a.vectorFlops + b.vectorFlops,
    exps: a.exps + b.exps,
    bytes: { hbm: rw(a.bytes.hbm, b.bytes.hbm), l2: rw(a.bytes.l2, b.bytes.l2), smem: rw(a.bytes.smem, b.bytes.smem) },
  };
}

export function totalBytes(rw: ReadWrite): number {
  return rw.read + rw.write;
}
