import type { Deps } from '../../src/core/actions.js';
import { RegistryStore } from '../../src/core/store.js';
import type { Listener, Scanner, ScanOutcome } from '../../src/native/types.js';

export function fakeScanner(
  listeners: Listener[] = [],
  backend = 'fake',
): Scanner & { listeners: Listener[] } {
  const scanner = {
    backend,
    listeners,
    scan: async (): Promise<ScanOutcome> => ({ ok: true, listeners: [...scanner.listeners] }),
  };
  return scanner;
}

export function unavailable(reason = 'no scanner here'): Scanner {
  return { backend: 'none', scan: async () => ({ ok: false, reason }) };
}

export function tcp(port: number, pid?: number, process?: string, address = '127.0.0.1'): Listener {
  return {
    protocol: 'tcp',
    family: address.includes(':') ? 'ipv6' : 'ipv4',
    address,
    port,
    ...(pid !== undefined ? { pid } : {}),
    ...(process !== undefined ? { process } : {}),
  };
}

/** Deps over a real registry file, a fake scanner and a probe that refuses chosen ports. */
export function testDeps(
  path: string,
  options: { listeners?: Listener[]; busy?: number[]; scanner?: Scanner } = {},
): Deps & { probed: number[] } {
  const busy = new Set(options.busy ?? []);
  const probed: number[] = [];
  return {
    store: new RegistryStore({ path }),
    scanner: options.scanner ?? fakeScanner(options.listeners ?? []),
    probe: async (port) => {
      probed.push(port);
      return !busy.has(port);
    },
    probed,
  };
}
