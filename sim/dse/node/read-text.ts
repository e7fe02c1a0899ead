import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { guardedFs } from '../../node/files.js';
import { InputError } from '../../../hardware/errors.js';

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
      // A device (/dev/zero, /dev/urandom) has no end to read to; a pipe (<(...)) is read like a file.
      if (!stat.isFile() && !stat.isFIFO()) throw new InputError(field, `"${path}" is not a file`);
      if (stat.size > maxBytes) throw tooLarge(path, field, maxBytes, what);
      const chunks: Buffer[] = [];
      let total = 0;
      // The first read is sized to the file, so a regular file is read into one buffer, not copied.
      for (let size = stat.size + 1; ; size = READ_CHUNK_BYTES) {
        const buffer = Buffer.allocUnsafe(Math.min(size, maxBytes + 1 - total));
        let filled = 0;
        while (filled < buffer.length) {
          const n = readSync(fd, buffer, filled, buffer.length - filled, null);
          if (n === 0) break;
          filled += n;
        }
        chunks.push(buffer.subarray(0, filled));
        total += filled;
        if (total > maxBytes) throw tooLarge(path, field, maxBytes, what);
        if (filled < buffer.length) break;
      }
      return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  });
}

function tooLarge(path: string, field: string, maxBytes: number, what: string): InputError {
  return new InputError(field, `"${path}" is larger than ${maxBytes} B, the limit for ${what}`);
}
