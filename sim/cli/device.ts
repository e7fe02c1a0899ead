import type { DeviceSpec } from '../../hardware/device.js';
import { isDataflowHardware, resolveDataflowHardware } from './commands/dataflow-hardware.js';
import { resolveHardware } from './inputs.js';
import type { CliIo } from './io.js';

/**
 * `--hardware` of any kind: a preset id of any kind, or a spec file whose `kind` says which
 * (absent: gpu); `--set` overrides apply to it. `flag` names where the name came from.
 */
export function resolveDevice(name: string, overrides: readonly string[], io: CliIo, flag = '--hardware'): DeviceSpec {
  return isDataflowHardware(name, io) ? resolveDataflowHardware(name, overrides, io, flag) : resolveHardware(name, overrides, io, flag);
}
