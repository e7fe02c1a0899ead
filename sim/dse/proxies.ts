import type { GpuSpec } from '../../hardware/schema.js';

/**
 * Area and cost proxies: crude, monotone in what a sweep varies (SMs, SRAM, L2, HBM capacity
 * and bandwidth), and meant to rank designs against each other, not to price a chip. Every
 * constant is an estimate with its reasoning; change them here, in one place.
 */

const BYTES_PER_MIB = 1024 * 1024;
const BYTES_PER_GB = 1e9;
const BYTES_PER_SECOND_PER_TBPS = 1e12;

/**
 * One SM without its shared-memory SRAM (tensor cores, register file, schedulers, L1 tags).
 * Estimate: GH100 is 814 mm² with 144 SMs; about half the die is SM array (die shots), so
 * ≈ 2.8 mm² per SM, of which ≈ 0.25 mm² is its 256 KiB L1/shared memory at the density below.
 */
export const SM_LOGIC_AREA_MM2 = 2.5;

/**
 * On-die SRAM with its periphery, banking and tags, per MiB. Estimate: a 5 nm high-density
 * bit cell is 0.021 µm² (TSMC N5, IEDM 2019), ≈ 0.18 mm² per MiB of cells; high-bandwidth
 * GPU caches need about 5× that once periphery, banking and crossbar ports are counted.
 */
export const SRAM_AREA_MM2_PER_MIB = 1.0;

/**
 * Good-die silicon cost per mm² for a reticle-sized die. Estimate: a 4–5 nm wafer ≈ $17,000,
 * ≈ 60 candidates of 814 mm² per 300 mm wafer, roughly half good: ≈ $0.7 per mm².
 */
export const DIE_DOLLARS_PER_MM2 = 0.7;

/** HBM capacity. Estimate: HBM3/HBM3e contract prices reported at $10–20 per GB (2024). */
export const HBM_DOLLARS_PER_GB = 15;

/**
 * HBM bandwidth beyond capacity: stacks, base dies, interposer area and PHYs grow with it.
 * Estimate: CoWoS packaging of a ~3.35 TB/s H100-class part at $700–1000: ≈ $250 per TB/s.
 */
export const HBM_DOLLARS_PER_TBPS = 250;

/** mm² of the parts a sweep varies: SMs (logic + shared memory) and L2. */
export function areaProxyMm2(spec: GpuSpec): number {
  const smSram = (spec.compute.sharedMemoryBytesPerSm / BYTES_PER_MIB) * SRAM_AREA_MM2_PER_MIB;
  const l2 = (spec.memory.l2.bytes / BYTES_PER_MIB) * SRAM_AREA_MM2_PER_MIB;
  return spec.compute.sms * (SM_LOGIC_AREA_MM2 + smSram) + l2;
}

/** Dollars: the die at its area proxy, plus HBM capacity and bandwidth. */
export function costProxyDollars(spec: GpuSpec): number {
  const hbm = spec.memory.hbm;
  return areaProxyMm2(spec) * DIE_DOLLARS_PER_MM2 + (hbm.bytes / BYTES_PER_GB) * HBM_DOLLARS_PER_GB + (hbm.bandwidthBytesPerSecond / BYTES_PER_SECOND_PER_TBPS) * HBM_DOLLARS_PER_TBPS;
}
