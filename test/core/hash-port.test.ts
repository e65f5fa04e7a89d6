import { describe, expect, it } from 'vitest';
import { fnv1a, hashedPort, pickPortFor } from '../../src/core/model/hash-port.js';
import { emptyRegistry } from '../../src/core/model/registry.js';

const inRange = (start: number, end: number) => ({
  ...emptyRegistry(),
  defaults: { ...emptyRegistry().defaults, range: { start, end }, exclude: [] },
});

describe('strategy = "hash"', () => {
  it('is FNV-1a (32-bit) as published', () => {
    // Reference values of the FNV-1a 32-bit test suite.
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('maps <project>/<service> into the range, the same on every call', () => {
    const range = { start: 41000, end: 41999 };
    const port = hashedPort('shop', 'web', range);
    expect(port).toBe(41000 + (fnv1a('shop/web') % 1000));
    expect(hashedPort('shop', 'api', range)).not.toBe(port);
    expect(hashedPort('shop-feat', 'web', range)).not.toBe(port);
  });

  it('searches upward from the hashed port, then wraps to the start of the range', async () => {
    const registry = inRange(41000, 41009);
    const hashed = hashedPort('shop', 'web', registry.defaults.range);
    const choice = { project: 'shop', service: 'web', strategy: 'hash' as const };
    expect(await pickPortFor(registry, async () => true, choice)).toBe(hashed);
    const taken = new Set([hashed]);
    const next = await pickPortFor(registry, async (port) => !taken.has(port), choice);
    expect(next).toBe(hashed === 41009 ? 41000 : hashed + 1);
    // Everything from the hashed port up is busy: the search starts again at the bottom.
    const busyTop = async (port: number) => port < hashed;
    if (hashed > 41000) expect(await pickPortFor(registry, busyTop, choice)).toBe(41000);
    // An explicit prefer wins over the hash; the default strategy starts at the range start.
    expect(await pickPortFor(registry, async () => true, { ...choice, prefer: 41003 })).toBe(41003);
    expect(await pickPortFor(registry, async () => true, { project: 'shop', service: 'web' })).toBe(
      41000,
    );
  });
});
