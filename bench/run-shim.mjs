// What tying `pm run`'s command to pm costs at start-up (issue 29 item 12): the command run
// directly, through util-linux's setpriv --pdeathsig (what pm does on Linux), and through a
// Node shim that would set the parent-death signal itself and exec (the alternative).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printRows, timeCommands } from './lib.mjs';

export function runShimBench({ runs = 21 } = {}) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/setpriv')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-shim-'));
  try {
    const shim = join(dir, 'shim.cjs');
    // The cheapest Node shim: start, then replace itself with the command (no koffi even).
    writeFileSync(shim, "process.execve?.('/bin/true', ['true'], process.env);\n");
    const rows = timeCommands(
      [
        { name: 'true (the command alone)', argv: ['/bin/true'] },
        {
          name: 'setpriv --pdeathsig TERM -- true',
          argv: ['/usr/bin/setpriv', '--pdeathsig', 'TERM', '--', '/bin/true'],
        },
        { name: 'node shim.cjs (execve, no koffi)', argv: [process.execPath, shim] },
      ],
      { runs },
    );
    printRows(
      'pm run: tying the command to pm (start-up of the command)',
      rows,
      'true (the command alone)',
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runShimBench();
