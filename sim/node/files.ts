import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../hardware/errors.js';

/**
 * Reading and writing the files a user names. A path that cannot be used (no such directory, a
 * directory where a file was expected, no permission, a read-only file system) is bad input:
 * one line naming the flag and the reason, exit 2, never a stack trace.
 */

/** The reason behind a file-system error code, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EINVAL: 'not a valid path for this',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
};

/** Node's errors carry a string `code` (ENOENT …); anything else is not a file-system error. */
export function fsErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

export function fsReason(code: string): string {
  return REASONS[code] ?? code;
}

/** Run a file operation; a file-system error becomes an `InputError` naming `flag` and `path`. */
export function guardedFs<T>(path: string, flag: string, verb: 'read' | 'write', operation: () => T): T {
  try {
    return operation();
  } catch (e) {
    const code = fsErrorCode(e);
    if (code === undefined) throw e;
    throw new InputError(flag, `cannot ${verb} "${path}": ${fsReason(code)}`);
  }
}

/**
 * Largest text file the CLI reads whole: 256 MiB, under V8's longest string (2^29 − 24 chars)
 * with room for the parse; a larger file is refused before it is read.
 */
export const MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024;

export function readTextFile(path: string, flag: string): string {
  return guardedFs(path, flag, 'read', () => {
    const fd = openSync(path, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      if (!stat.isFile()) throw new InputError(flag, `"${path}" is not a regular file`);
      if (stat.size > MAX_TEXT_FILE_BYTES) throw new InputError(flag, `"${path}" is ${stat.size} B, above the ${MAX_TEXT_FILE_BYTES} B limit for a text input`);
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * Write `text` to `path` whole or not at all: it goes to a temporary file beside the target and
 * is renamed over it, so a failed or killed write never leaves a half-written file and never
 * loses the previous one.
 */
export function writeTextFile(path: string, text: string, flag: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.writing-${process.pid}`);
  guardedFs(path, flag, 'write', () => {
    try {
      const fd = openSync(temporary, 'wx');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
    } catch (e) {
      rmSync(temporary, { force: true });
      throw e;
    }
  });
}
