// The CLI as bin/attnsim.js runs it, plus one thing the fuzz runner needs: on exit, the
// process's peak resident memory (kB, all threads) goes to file descriptor 3, so that stdout
// and stderr stay exactly what a user would see.
import { writeSync } from 'node:fs';

const RSS_FD = 3;

process.on('exit', () => {
  try {
    writeSync(RSS_FD, String(process.resourceUsage().maxRSS));
  } catch {
    // no descriptor 3: run by hand, nobody to tell
  }
});

const { main } = await import(new URL('../../dist/sim/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
