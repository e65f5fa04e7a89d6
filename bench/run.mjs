// `npm run bench`: every performance target, each measured side by side with
// its baseline in the same run, so the ratios hold on any machine. Figures and their
// history are kept in docs/benchmarks.md.
import { runContainersBench } from './containers.mjs';
import { runContentionBench } from './contention.mjs';
import { runDashboardBench } from './dashboard.mjs';
import { runImportBench } from './import.mjs';
import { runMcpBench } from './mcp.mjs';
import { runProjectsBench } from './projects.mjs';
import { runProxyBench } from './proxy.mjs';
import { runShimBench } from './run-shim.mjs';
import { runWatchBench } from './run-watch.mjs';
import { runScanBench } from './scan.mjs';
import { runSizeLimitBench } from './size-limit.mjs';
import { runStartupBench } from './startup.mjs';

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

console.log(
  `pm benchmarks: node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`,
);
if (wanted('startup')) runStartupBench();
if (wanted('import')) runImportBench();
if (wanted('scan')) await runScanBench();
if (wanted('dashboard')) await runDashboardBench();
if (wanted('size')) runSizeLimitBench();
if (wanted('contention')) await runContentionBench();
if (wanted('projects')) await runProjectsBench();
if (wanted('run')) await runWatchBench();
if (wanted('containers')) await runContainersBench();
if (wanted('shim')) runShimBench();
if (wanted('mcp')) await runMcpBench();
if (wanted('proxy')) await runProxyBench();
