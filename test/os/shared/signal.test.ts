// The uid that pm kill's ownership check asks for: read alone where the inspector can, so a
// kill does not pay for the fd walk, passwd and command line of a full detail.
import { describe, expect, it } from 'vitest';
import type { ProcessDetail, ProcessInspector } from '../../../src/core/ports.js';
import { createProcessControl } from '../../../src/os/shared/signal.js';

function inspectorWith(uid: ProcessInspector['uid']): ProcessInspector & { details: number } {
  const inspector = {
    details: 0,
    async detail(pid: number): Promise<ProcessDetail> {
      inspector.details++;
      return { pid, name: 'srv', uid: 1234, unavailable: {} };
    },
    startTime: async () => undefined,
    parentPid: async () => undefined,
    ...(uid ? { uid } : {}),
  };
  return inspector;
}

describe('uidOf', () => {
  it('asks the inspector for the uid alone when it can answer that', async () => {
    const inspector = inspectorWith(async (pid) => (pid === 77 ? 4242 : undefined));
    const control = createProcessControl(inspector);
    expect(await control.uidOf(77)).toBe(4242);
    expect(await control.uidOf(78)).toBeUndefined();
    expect(inspector.details).toBe(0);
  });

  it("falls back to the process detail's uid elsewhere", async () => {
    const inspector = inspectorWith(undefined);
    expect(await createProcessControl(inspector).uidOf(77)).toBe(1234);
    expect(inspector.details).toBe(1);
  });
});
