// `pm kill` of a port whose listener `pm run` started: the whole run is stopped, from its
// first process down (DESIGN §5c, issue 30 item 9). A watcher (`node --watch`, `nest start
// --watch`, nodemon) restarts or waits for the listener it lost, and pm run stays alive for
// nothing; stopping the run's first process ends pm run as the command ending does.
import { checkedTarget, type KillConsent, type KillTable, type KillTarget } from '../model/kill.js';
import type { Port } from '../model/port.js';
import { SERVICE_MARKER } from '../model/status.js';
import type { ProcessControl } from '../ports.js';

/** The environment and tree of processes (src/os/linux/tree.ts on Linux). */
export interface SessionLookup {
  environmentValue(pid: number, name: string): string | undefined;
  descendants(root: number): Set<number>;
}

export interface Session {
  readonly service: string;
  /** The run's first process: the command `pm run` started. */
  readonly head: number;
  /** Every process of the run with its marker, head first; each checked like a listener. */
  readonly targets: readonly KillTarget[];
  readonly pids: ReadonlySet<number>;
}

/**
 * The `pm run` session of the listeners, when they carry one service's marker: its first
 * process is the highest ancestor still carrying the marker (pm run itself does not). Only
 * processes with that marker are included; each passes the same checks as a listener (the
 * same consent too), and the table learns their start times here.
 */
export async function sessionOf(
  control: ProcessControl,
  lookup: SessionLookup,
  listening: readonly KillTarget[],
  port: Port,
  table: KillTable,
  consent: KillConsent = {},
): Promise<Session | undefined> {
  const markers = new Set(listening.map((t) => lookup.environmentValue(t.pid, SERVICE_MARKER)));
  const [service] = markers;
  if (markers.size !== 1 || service === undefined) return undefined;
  let head = (listening[0] as KillTarget).pid;
  for (let depth = 0; depth < 64; depth++) {
    const parent = await control.parentPid(head);
    if (parent === undefined || parent <= 1) break;
    if (lookup.environmentValue(parent, SERVICE_MARKER) !== service) break;
    head = parent;
  }
  const members = [...lookup.descendants(head)].filter(
    (pid) => pid === head || lookup.environmentValue(pid, SERVICE_MARKER) === service,
  );
  const ordered = [head, ...members.filter((pid) => pid !== head).sort((a, b) => a - b)];
  const processes = new Map(table.processes);
  for (const pid of ordered) {
    if (processes.has(pid)) continue;
    const startTime = await control.startTime(pid);
    const uid = await control.uidOf(pid);
    processes.set(pid, {
      ...(startTime !== undefined ? { startTime } : {}),
      ...(uid !== undefined ? { uid } : {}),
      marker: service,
    });
  }
  const checked = { ...table, processes };
  const targets = ordered.map(
    (pid) => listening.find((t) => t.pid === pid) ?? checkedTarget(pid, port, checked, {}, consent),
  );
  return { service, head, targets, pids: new Set(ordered) };
}

export function sessionResult(session: Session | undefined): {
  session?: { service: string; head: number };
} {
  return session ? { session: { service: session.service, head: session.head } } : {};
}
