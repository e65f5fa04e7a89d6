// Drift: the server `pm run` started listens somewhere other than its port (it ignored PORT,
// or found the port taken and moved on). Watched cheaply while the child runs: the scanner
// keeps the owners it found (so after the first check only new sockets cost anything), and
// the process tree is read only when a listener's pid has not been placed in or out of it.

import type { Port } from '../model/port.js';
import type { Scanner, ScanOutcome } from '../ports.js';

export interface Drift {
  readonly port: Port;
  /** Where the child's process tree listens instead (TCP), lowest first. */
  readonly listening: readonly Port[];
}

export interface DriftWatch {
  readonly scanner: Scanner;
  /** The child and its descendants. */
  readonly tree: () => ReadonlySet<number>;
  readonly port: Port;
  readonly intervalMs: number;
  readonly onDrift: (drift: Drift) => void;
}

/** TCP ports the tree listens on, from one scan. */
export function treePorts(scan: ScanOutcome, tree: ReadonlySet<number>): Set<Port> {
  const ports = new Set<Port>();
  if (!scan.ok) return ports;
  for (const listener of scan.listeners) {
    if (listener.protocol === 'tcp' && listener.pid !== undefined && tree.has(listener.pid)) {
      ports.add(listener.port);
    }
  }
  return ports;
}

/**
 * Watches until stopped; reports at most once. A server that listens on its own port and on
 * another (an HMR or debug socket) is not drift; one that listens only elsewhere for two scans
 * in a row is (one scan could catch it between binding its two sockets).
 */
export function watchDrift(watch: DriftWatch): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let strikes = 0;
  // Reading the tree means reading every process's parent; a pid once placed (in the tree
  // or not) stays there, so the tree is read again only when an unplaced pid listens.
  let tree: ReadonlySet<number> = new Set();
  const outside = new Set<number>();
  const place = (pids: readonly number[]) => {
    if (pids.every((pid) => tree.has(pid) || outside.has(pid))) return;
    tree = watch.tree();
    for (const pid of pids) if (!tree.has(pid)) outside.add(pid);
  };
  const tick = async () => {
    const scan = await watch.scanner.scan();
    if (stopped) return;
    const pids = scan.ok ? scan.listeners.flatMap((l) => (l.pid === undefined ? [] : [l.pid])) : [];
    place(pids);
    const ports = treePorts(scan, tree);
    if (ports.size > 0 && !ports.has(watch.port)) strikes++;
    else strikes = 0;
    if (strikes >= 2) {
      stopped = true;
      watch.onDrift({ port: watch.port, listening: [...ports].sort((a, b) => a - b) });
      return;
    }
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => {
      tick().catch(() => schedule());
    }, watch.intervalMs);
    // The watch never keeps pm alive: pm lives exactly as long as its child.
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
