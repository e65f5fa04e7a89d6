// What `pm run` tells the user about the port, worded for the command line: a port the
// script pins itself, a port someone else already holds, and drift (with who holds the port).
import { describeListener } from '../core/actions/allocate.js';
import type { Drift } from '../core/actions/drift.js';
import type { RunPlan } from '../core/actions/run-plan.js';
import type { Listener, Scanner } from '../core/ports.js';
import { sanitize } from '../view/sanitize.js';

/** Listeners on `port` that are not the command's own processes. */
export async function holdersOf(
  scanner: Scanner,
  port: number,
  own: () => ReadonlySet<number>,
): Promise<Listener[]> {
  const scan = await scanner.scan({ attribute: (candidate) => candidate === port });
  if (!scan.ok) return [];
  const tree = own();
  return scan.listeners.filter(
    (listener) => listener.port === port && (listener.pid === undefined || !tree.has(listener.pid)),
  );
}

function named(holders: readonly Listener[]): string {
  return sanitize(holders.map(describeListener).join(', '));
}

export function heldWarning(name: string, port: number, holders: readonly Listener[]): string {
  return `warning: ${name}'s port ${port} is already held by ${named(holders)}: the server cannot listen there. Stop that process (pm kill :${port}) or give ${name} another port`;
}

/**
 * The drift warning. The advice depends on why: the port was taken (name the holder), pm
 * already gave the server its port (then a flag would change nothing), or the server ignored
 * PORT and pm does not know its option.
 */
export function driftMessage(
  name: string,
  drift: Drift,
  facts: { readonly holders?: readonly Listener[]; readonly plan?: RunPlan } = {},
): string {
  const elsewhere = drift.listening.join(', ');
  const head = `warning: ${name} listens on ${elsewhere}, not on its port ${drift.port}`;
  if (facts.holders && facts.holders.length > 0) {
    return `${head}: ${drift.port} is held by ${named(facts.holders)}. Stop that process (pm kill :${drift.port}) or give ${name} another port`;
  }
  if (facts.plan?.pinned) {
    const pinned = facts.plan.pinned;
    return `${head}: the command chooses ${pinned.server}'s port itself${pinned.port !== undefined ? ` (${pinned.port})` : ''}`;
  }
  if (facts.plan?.appended) {
    return `${head}, although pm gave it ${facts.plan.appended.args.join(' ')}: the server chose another port (its config may set one)`;
  }
  return `${head}: the server ignored PORT (or found ${drift.port} taken). Start it with its port option (e.g. --port ${drift.port}), or make it read PORT`;
}
