import { renameSync, writeFileSync } from 'node:fs';
import { InputError } from '../../errors.js';

/**
 * Writing output files: a path the user gave that cannot be written (no such directory, no
 * permission) is bad input, reported as one line naming the flag, not a stack trace.
 */
export function writeOutput(path: string, text: string, flag: string): void {
  guarded(path, flag, () => writeFileSync(path, text));
}

/** Write through a temporary file and a rename, so that a kill mid-write leaves the old file whole. */
export function replaceOutput(path: string, text: string, flag: string): void {
  const temporary = `${path}.writing-${process.pid}`;
  guarded(path, flag, () => {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  });
}

export function guarded<T>(path: string, flag: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new InputError(flag, `cannot write "${path}" (${code})`);
  }
}
