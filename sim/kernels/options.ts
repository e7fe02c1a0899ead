/** Knobs a user (or a sweep) may set on a lowering; unset means "as the real kernel chooses". */
export interface KernelOptions {
  /** Query rows per tile (Br). */
  tileQ?: number;
  /** Keys per tile (Bc). */
  tileK?: number;
  /** KV splits for split-KV decode. */
  splits?: number;
}
