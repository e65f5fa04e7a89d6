import { describe, expect, it } from 'vitest';
import { type Drift, watchDrift } from '../../../src/core/actions/drift.js';
import type { Listener, Scanner } from '../../../src/core/ports.js';
import { tcp } from '../../helpers/fakes.js';

/** A scanner whose listeners the test sets, counting scans so tests wait on them. */
function scripted(listeners: Listener[]) {
  let scans = 0;
  const waiters: (() => void)[] = [];
  const scanner: Scanner = {
    backend: 'fake',
    scan: async () => {
      scans++;
      for (const wake of waiters.splice(0)) wake();
      return { ok: true, listeners };
    },
  };
  const scansDone = async (count: number) => {
    while (scans < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { scanner, scansDone };
}

function watch(listeners: Listener[], tree = new Set([100, 101])) {
  const { scanner, scansDone } = scripted(listeners);
  const drifts: Drift[] = [];
  const handle = watchDrift({
    scanner,
    tree: () => tree,
    port: 5173,
    intervalMs: 5,
    onDrift: (drift) => drifts.push(drift),
  });
  return { drifts, scansDone, stop: () => handle.stop() };
}

describe('drift watch', () => {
  it("reports once when the child's tree listens only elsewhere", async () => {
    const w = watch([tcp(5174, 101), tcp(9000, 7)]);
    await w.scansDone(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(w.drifts).toEqual([{ port: 5173, listening: [5174] }]);
    w.stop();
  });

  it('is quiet when the tree also listens on its own port, or only others listen', async () => {
    const extra = watch([tcp(5173, 100), tcp(24678, 101)]);
    const foreign = watch([tcp(5174, 555)]);
    await Promise.all([extra.scansDone(5), foreign.scansDone(5)]);
    expect(extra.drifts).toEqual([]);
    expect(foreign.drifts).toEqual([]);
    extra.stop();
    foreign.stop();
  });
});
