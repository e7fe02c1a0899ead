import { estimateNote } from '../../hardware/device.js';
import { describeMask } from '../../workloads/masks/mask.js';
import type { Report } from '../report.js';

/** The lines every rendered report starts with: what ran where, whether it is estimated, and the call. */
export function reportHeader(r: Report): string[] {
  const w = r.workload;
  const estimate = estimateNote(r.hardware.id);
  return [
    `${r.kernel.id} on ${r.hardware.name} (${r.hardware.id}), ${r.engine} engine`,
    ...(estimate !== null ? [`  ${estimate}`] : []),
    `  ${w.phase}: batch ${w.batch}, heads ${w.heads} (kv ${w.kvHeads}), q ${w.qLen} × kv ${w.kvLen}, ` +
      `d ${w.headDim}${w.valueHeadDim !== w.headDim ? `/${w.valueHeadDim}` : ''}, ${w.dtype}, mask ${describeMask(w.mask)}`,
    '',
  ];
}
