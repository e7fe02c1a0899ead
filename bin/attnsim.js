#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the prepare script).
let cli;
try {
  cli = await import('../dist/sim/cli/main.js');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('attnsim: not built yet; run `npm install` (or `npm run build`) in the repository first\n');
    process.exit(2);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));
