import type { Dtype } from '../../hardware/schema.js';
import { bytesPerElement } from '../../workloads/dtype.js';
import type { KernelOptions } from '../kernels/options.js';

/** FlexAttention runs block masks of 128-token blocks (its BLOCK_SIZE). */
export const FLEX_BLOCK = 128;

/**
 * FlashAttention-2's tensor-core instruction, for 16-bit operands: mma.sync.m16n8k16 (PTX ISA)
 * and v_mfma_f32_16x16x16 (CDNA3 ISA), so a tile is a whole number of 16 query rows and 16
 * keys; one-byte operands take 32 keys per instruction, four-byte ones 8.
 */
const FA2_INSTRUCTION_ROWS = 16;
const FA2_INSTRUCTION_KEYS_16_BIT = 16;
const SIXTEEN_BIT_BYTES = 2;

const roundUp = (x: number, step: number) => Math.ceil(x / step) * step;

/**
 * The kernel that runs a block-sparse mask of `blockSize`-token blocks: flex at its own 128-token
 * blocks (and their multiples), else FlashAttention-2 tiled at the block, rounded up to whole
 * tensor-core instructions. A rounded tile straddles blocks and is visited when any block it
 * overlaps is kept: the tile-level bound (b) counts exactly those tiles.
 */
export function blockSparseKernel(blockSize: number, dtype: Dtype): { kernel: string; kernelOptions: KernelOptions } {
  if (blockSize % FLEX_BLOCK === 0) return { kernel: 'flex', kernelOptions: {} };
  const keyStep = (FA2_INSTRUCTION_KEYS_16_BIT * SIXTEEN_BIT_BYTES) / bytesPerElement(dtype);
  return { kernel: 'fa2', kernelOptions: { tileQ: roundUp(blockSize, FA2_INSTRUCTION_ROWS), tileK: roundUp(blockSize, keyStep) } };
}
