import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { guardedFs } from '../../cli/files.js';
import { InputError } from '../../errors.js';

/** Bytes read per call. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * A text file a user names, read whole but never past `maxBytes`: the size is checked before
 * anything is read, and the reading stops one byte past the limit, so that a huge file, a
 * device that never ends (/dev/zero) or a pipe cannot exhaust memory. File-system errors and
 * the limit are one line naming `field`.
 */
export function readBoundedText(path: string, field: string, maxBytes: number, what: string): string {
  return guardedFs(path, field, 'read', () => {
    const fd = openSync(path, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      if (stat.isFile() && stat.size > maxBytes) throw tooLarge(path, field, maxBytes, what);
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        chunks.push(buffer.subarray(0, n));
        total += n;
        if (total > maxBytes) throw tooLarge(path, field, maxBytes, what);
      }
      return Buffer.concat(chunks, total).toString('utf8');
    } finally {
      closeSync(fd);
    }
  });
}

function tooLarge(path: string, field: string, maxBytes: number, what: string): InputError {
  return new InputError(field, `"${path}" is larger than ${maxBytes} B, the limit for ${what}`);
}
