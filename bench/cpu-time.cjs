// Preloaded with --require into each measured process: prints the CPU time it used (user +
// system, from process start) on exit. On a shared, loaded machine CPU time moves far less
// than wall time, so small differences such as an import's cost stay visible.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\nCPU_US=${user + system}\n`);
});
