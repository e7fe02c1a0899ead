import { statSync } from 'node:fs';
import { InputError } from '../../../hardware/errors.js';
import { guardedFs, MAX_TEXT_FILE_BYTES } from '../../node/files.js';
import type { CliIo } from '../io.js';

/**
 * Input files of the commands beside simulate and the sweeps, checked before they are read
 * whole: a device (/dev/zero never ends, /dev/null is nothing) or a file above the text-file
 * limit is refused at once instead of growing the process until memory runs out. Pipes pass
 * (`--data <(zcat cases.jsonl.gz)`): they are read as they come.
 */
export function checkInputFile(path: string, flag: string): void {
  const stats = guardedFs(path, flag, 'read', () => statSync(path));
  if (stats.isCharacterDevice() || stats.isBlockDevice()) throw new InputError(flag, `"${path}" is a device, not a file`);
  if (stats.isFile() && stats.size > MAX_TEXT_FILE_BYTES) {
    throw new InputError(flag, `"${path}" is ${stats.size} B, above the ${MAX_TEXT_FILE_BYTES} B limit for a text input`);
  }
}

/** Read an input file whole, after `checkInputFile`; file-system errors name `flag` and the reason. */
export function readInputFile(path: string, flag: string, io: CliIo): string {
  checkInputFile(path, flag);
  return guardedFs(path, flag, 'read', () => io.readFile(path));
}
