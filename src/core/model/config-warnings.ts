// Settings `pm config` accepts but that will bite later: a range the OS also hands out for
// outgoing connections, excluding ports that are already allocated, a range that leaves
// allocations outside it. Each is a warning naming the ports, not a refusal: all can be
// deliberate (a migration, a machine with a changed ephemeral range).

import type { PortRange } from './port.js';
import { allocations, type Registry } from './registry.js';

export interface ConfigChangeGiven {
  readonly range?: PortRange;
  readonly exclude?: readonly number[];
}

/** The OS's ephemeral range, with where the numbers come from. */
export interface EphemeralPorts {
  readonly start: number;
  readonly end: number;
  readonly source: string;
}

const SHOWN = 8;

/** "3000 (shop/web), 3001 (shop/api)" with at most SHOWN entries, then "and N more". */
function listed(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

export function configWarnings(
  registry: Registry,
  change: ConfigChangeGiven,
  ephemeral?: EphemeralPorts,
): string[] {
  const warnings: string[] = [];
  const { range, exclude } = registry.defaults;
  if (change.range !== undefined && ephemeral !== undefined) {
    const start = Math.max(range.start, ephemeral.start);
    const end = Math.min(range.end, ephemeral.end);
    if (start <= end) {
      warnings.push(
        `ports ${start}-${end} of the range are also the OS's ephemeral ports (${ephemeral.start}-${ephemeral.end}, ${ephemeral.source}): an outgoing connection can take one of them before your service binds it; a range below ${ephemeral.start} avoids that`,
      );
    }
  }
  const held = allocations(registry);
  if (change.exclude !== undefined) {
    const excluded = new Set(exclude);
    const clash = held.filter((entry) => excluded.has(entry.port));
    if (clash.length > 0) {
      warnings.push(
        `excluded but already allocated: ${listed(clash.map((a) => `${a.port} (${a.project}/${a.service})`))}; they keep their ports until freed`,
      );
    }
  }
  if (change.range !== undefined) {
    const outside = held.filter((entry) => entry.port < range.start || entry.port > range.end);
    if (outside.length > 0) {
      warnings.push(
        `allocated outside the new range ${range.start}-${range.end}: ${listed(outside.map((a) => `${a.port} (${a.project}/${a.service})`))}; they keep their ports`,
      );
    }
  }
  return warnings;
}
