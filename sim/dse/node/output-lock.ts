import { closeSync, fstatSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { guardedFs } from '../../node/files.js';
import { InputError } from '../../../hardware/errors.js';

/**
 * One writer per results file. A run that writes `out.jsonl` first creates `out.jsonl.lock`
 * holding its pid and host; a second run on the same file is refused (one line naming the
 * output) instead of waiting, so a script finds out at once and nothing hangs. A lock whose pid
 * is dead on this host (a killed run) is taken over.
 *
 * A lock names its host too: a pid is checked only on the host that wrote it, and a lock from
 * another host is taken over once its holder has stopped refreshing it (LOCK_STALE_MS).
 *
 * The lock is written whole to a file of this process's own and then hard-linked to the lock's
 * name: the link fails if the name exists (as O_EXCL would), and a lock is never seen half
 * written, so a reader never mistakes a run that is just starting for a dead one.
 */
export interface OutputLock {
  /** Mark the lock as still held (its modification time), for runs on other hosts to see. */
  refresh(): void;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  /** When the lock was last refreshed (ms since the epoch), where known. */
  refreshedMs?: number;
}

/**
 * A run refreshes its lock this often; one on another host (a requeued cluster job on another
 * node) takes over a lock not refreshed for LOCK_STALE_MS, ten refreshes missed, since it
 * cannot ask that host whether the pid lives. Sweeps stop between chunks of ~50 ms, so a live
 * run never misses one.
 */
export const LOCK_REFRESH_MS = 30_000;
const LOCK_STALE_MS = 10 * LOCK_REFRESH_MS;

/** Rounds of "take a dead run's lock, then link ours": two are enough unless runs keep dying mid-takeover. */
const TAKEOVER_ATTEMPTS = 5;

export function lockPathOf(output: string): string {
  return `${output}.lock`;
}

export function acquireOutputLock(output: string, flag: string): OutputLock {
  refuseDirectory(output, flag);
  const lock = lockPathOf(output);
  const mine = { pid: process.pid, host: hostname() };
  const text = JSON.stringify(mine);
  const own = `${lock}.${mine.host}.${process.pid}`;
  guardedFs(output, flag, 'write', () => {
    rmSync(own, { force: true }); // a dead run with this pid may have left it, linked to its lock
    writeFileSync(own, text);
  });
  try {
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (guardedFs(output, flag, 'write', () => tryLink(own, lock))) {
        removeLitter(output);
        return { refresh: () => refresh(lock), release: () => release(lock, text) };
      }
      const found = readHolder(lock);
      if (found === null) continue; // released between the link and the read
      if (found.holder === undefined || isAlive(found.holder)) throw refusal(output, lock, flag, found.holder);
      removeStale(lock, found.inode);
    }
    throw new InputError(flag, `could not take over "${lock}" from runs that keep dying; delete it and rerun`);
  } finally {
    rmSync(own, { force: true });
  }
}

/** Run `work` holding the lock on `output`. */
export function withOutputLock<T>(output: string, flag: string, work: () => T): T {
  const lock = acquireOutputLock(output, flag);
  try {
    return work();
  } finally {
    lock.release();
  }
}

function refuseDirectory(output: string, flag: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(output).isDirectory();
  } catch {
    // no such file yet, or one that cannot be used: the first write says why
  }
  if (isDirectory) throw new InputError(flag, `"${output}" is a directory; name a file in it, e.g. ${join(output, 'results.jsonl')}`);
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The lock's holder (undefined if the file does not say) and inode; null if the lock is gone. */
function readHolder(lock: string): { holder: Holder | undefined; inode: number } | null {
  let fd: number;
  try {
    fd = openSync(lock, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let text: string;
  let inode: number;
  let refreshedMs: number;
  try {
    // Content and inode of one file: the lock may be replaced between two look-ups by name.
    const stat = fstatSync(fd);
    inode = stat.ino;
    refreshedMs = stat.mtimeMs;
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === 'string') return { holder: { pid: value.pid!, host: value.host, refreshedMs }, inode };
  } catch {
    // not ours: the user is told to look at it
  }
  return { holder: undefined, inode };
}

function isAlive(holder: Holder): boolean {
  // A pid on another machine says nothing here; a lock it stopped refreshing does.
  if (holder.host !== hostname()) return holder.refreshedMs === undefined || Date.now() - holder.refreshedMs < LOCK_STALE_MS;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Remove the dead run's lock, and only that one: it is renamed aside first, and if what was
 * renamed is not the file read (another run took the lock over in between), it is put back.
 */
function removeStale(lock: string, inode: number): void {
  const aside = `${lock}.${hostname()}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (statSync(aside).ino !== inode) tryLink(aside, lock);
  rmSync(aside, { force: true });
}

/**
 * What killed runs leave beside the output: their half-taken locks (this host's, of dead pids)
 * and the temporary files of whole-file writes (files.ts). Whoever holds the lock is the only
 * writer, so those temporary files are nobody's.
 */
function removeLitter(output: string): void {
  const directory = dirname(output);
  const lockName = basename(lockPathOf(output));
  const ownFile = new RegExp(`^${escapeRegExp(`${lockName}.${hostname()}.`)}(\\d+)(\\.stale)?$`);
  const temporary = new RegExp(`^${escapeRegExp(`.${basename(output)}.writing-`)}\\d+$`);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return; // an unreadable directory: leave what is there
  }
  for (const name of names) {
    const own = ownFile.exec(name);
    const dead = own !== null && !isAlive({ pid: Number(own[1]), host: hostname() });
    if (dead || temporary.test(name)) rmSync(join(directory, name), { force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function refresh(lock: string): void {
  const now = new Date();
  try {
    utimesSync(lock, now, now);
  } catch {
    // gone or unwritable: the next refresh or the release says nothing either; the run goes on
  }
}

function release(lock: string, text: string): void {
  try {
    if (readFileSync(lock, 'utf8') === text) rmSync(lock, { force: true });
  } catch {
    // already gone: nothing to release
  }
}

function refusal(output: string, lock: string, flag: string, holder: Holder | undefined): InputError {
  const who = holder === undefined ? 'another run' : holder.host === hostname() ? `another attnsim run (pid ${holder.pid})` : `a run on ${holder.host} (pid ${holder.pid})`;
  const stale = holder !== undefined && holder.host !== hostname() ? `; its lock is taken over once unrefreshed for ${LOCK_STALE_MS / 1000} s` : '';
  return new InputError(flag, `${who} is writing "${output}"; wait for it to finish or use another output file (if no run is writing it, delete "${lock}")${stale}`);
}
