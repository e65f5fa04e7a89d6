// Parse time of a registry at the size limit pm accepts (MAX_REGISTRY_BYTES), filled with
// realistic entries (a project with a path and one port each), beside the time of a
// 100-allocation registry. CPU time, so other load on the machine does not count; the limit
// is chosen so this stays at or under 2 s.
import { MAX_REGISTRY_BYTES, parseRegistry } from '../dist/api/internal.js';
import { median, printRows } from './lib.mjs';

function registryOf(bytes) {
  const parts = ['version = 1\n\n[defaults]\nrange_start = 1024\nrange_end = 65535\n\n'];
  let size = parts[0].length;
  let allocations = 0;
  for (let i = 0; ; i++) {
    const entry = `[projects.project-number-${i}]\npath = "/home/someone/src/project-number-${i}"\n\n[projects.project-number-${i}.ports]\nweb = ${1024 + (i % 64000)}\n\n`;
    if (size + entry.length > bytes) break;
    parts.push(entry);
    size += entry.length;
    allocations++;
  }
  return { text: parts.join(''), allocations };
}

function time(text, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = process.cpuUsage();
    try {
      parseRegistry(text, 'bench.toml');
    } catch {
      // past 64,000 entries ports repeat and the file is refused after parsing: same cost
    }
    const used = process.cpuUsage(started);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

export function runSizeLimitBench({ runs = 3 } = {}) {
  const small = registryOf(100 * 140);
  const large = registryOf(MAX_REGISTRY_BYTES);
  printRows(
    `Registry parse CPU time (wall time is this or more on a loaded machine) at the size limit (${(MAX_REGISTRY_BYTES / 1024 / 1024).toFixed(0)} MiB), median of ${runs}`,
    [
      { name: `${small.allocations} allocations`, median: time(small.text, runs) },
      {
        name: `${large.allocations} entries, ${(large.text.length / 1e6).toFixed(1)} MB`,
        median: time(large.text, runs),
        target: undefined,
      },
    ],
    `${small.allocations} allocations`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) runSizeLimitBench();
