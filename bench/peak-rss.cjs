// Preloaded with --require into each measured process: prints its peak RSS (VmHWM) on exit.
const { readFileSync, writeSync } = require('node:fs');
process.on('exit', () => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  if (match) writeSync(2, `\nPEAK_RSS_KB=${match[1]}\n`);
});
