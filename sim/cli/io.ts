import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { MAX_TEXT_FILE_BYTES } from '../node/files.js';

/** Where the CLI reads and writes: the process in real use, buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
}

// A closed pipe (`attnsim ... | head`) is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: readRegularFile,
};

/**
 * A file the user named, read whole: only a regular file (a device such as /dev/zero never
 * ends), and only up to the size the CLI reads at all. Failures keep Node's error codes, so the
 * caller names them like any other file-system error.
 */
function readRegularFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path}: is a directory`), { code: 'EISDIR', path });
    if (!stat.isFile()) throw Object.assign(new Error(`${path}: not a regular file`), { code: 'EINVAL', path });
    if (stat.size > MAX_TEXT_FILE_BYTES) throw Object.assign(new Error(`${path}: too large`), { code: 'EFBIG', path });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
