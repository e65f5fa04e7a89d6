// `strategy = "hash"` (DESIGN §5g): a service's preferred port comes from its name, so two
// machines with empty registries hand out the same ports. From there the registry's usual
// search runs, wrapping to the range's start when the top of the range is full.
import { isPmError } from '../errors.js';
import type { Port, PortRange } from './port.js';
import { pickFreePort, type Registry } from './registry.js';

/** FNV-1a, 32 bits, over the UTF-16 code units (names are ASCII): stable on every platform. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `<project>/<service>` mapped into the range: where the search for its port starts. */
export function hashedPort(project: string, service: string, range: PortRange): Port {
  return range.start + (fnv1a(`${project}/${service}`) % (range.end - range.start + 1));
}

/**
 * The port `allocate` and `up` hand out: from `prefer` upward (the range start without one);
 * with the hash strategy and no explicit `prefer`, from the hashed port, then from the start.
 */
export async function pickPortFor(
  registry: Registry,
  isFree: (port: Port) => Promise<boolean>,
  choice: { project: string; service: string; prefer?: Port; strategy?: 'lowest' | 'hash' },
): Promise<Port> {
  if (choice.prefer !== undefined || choice.strategy !== 'hash') {
    return pickFreePort(registry, isFree, choice.prefer);
  }
  const from = hashedPort(choice.project, choice.service, registry.defaults.range);
  try {
    return await pickFreePort(registry, isFree, from);
  } catch (error) {
    if (!isPmError(error) || error.code !== 'RANGE_EXHAUSTED') throw error;
    return pickFreePort(registry, isFree);
  }
}
