// The native half of a Platform loads on first use; the working directory comes from the
// loaded backend where the OS needs a native call for it (macOS).
import { expect, it } from 'vitest';
import { createProcessTree } from '../../../src/os/linux/tree.js';
import { nativePlatform } from '../../../src/os/shared/native-platform.js';
import { fakeScanner, tcp } from '../../helpers/fakes.js';

function platform(loads: { count: number }) {
  return nativePlatform({
    name: 'darwin',
    scannerName: () => 'fake-native',
    inspectorName: 'fake-native',
    tree: createProcessTree({ platform: 'darwin' }),
    load: async () => {
      loads.count++;
      return {
        scanner: () => fakeScanner([tcp(4100, 4242)]),
        inspector: () => ({
          detail: async (pid) => ({ pid, cwd: '/x', unavailable: {} }),
          startTime: async () => 1,
          parentPid: async () => 1,
        }),
        cwdOf: (pid) => (pid === 4242 ? '/work/shop' : undefined),
      };
    },
  });
}

it('loads the backend once, on first use, and answers cwdOf from it', async () => {
  const loads = { count: 0 };
  const p = platform(loads);
  const scanner = p.scanner();
  expect(loads.count).toBe(0);
  expect(p.cwdOf(4242)).toBeUndefined();
  const outcome = await scanner.scan();
  expect(outcome.ok && outcome.listeners.map((l) => l.pid)).toEqual([4242]);
  expect(p.cwdOf(4242)).toBe('/work/shop');
  expect(await p.inspector.startTime(4242)).toBe(1);
  expect(loads.count).toBe(1);
});

it("turns scanning off for mode 'none' without loading anything", async () => {
  const loads = { count: 0 };
  const outcome = await platform(loads).scanner({ mode: 'none' }).scan();
  expect(outcome).toEqual({ ok: false, reason: 'scanning is turned off (PM_SCANNER=none)' });
  expect(loads.count).toBe(0);
});
