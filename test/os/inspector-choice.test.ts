// The inspector for another OS, or for none, answers "unavailable" instead of throwing.
import { describe, expect, it } from 'vitest';
import { createProcessInspector } from '../../src/os/index.js';

describe('createProcessInspector backend choice', () => {
  it('on a platform without an inspector, every field is unavailable with the reason', async () => {
    const inspector = createProcessInspector({ platform: 'aix' });
    const detail = await inspector.detail(process.pid);
    expect(detail?.pid).toBe(process.pid);
    expect(detail?.unavailable.command).toContain("no process inspector for platform 'aix'");
    expect(Object.keys(detail ?? {})).toEqual(['pid', 'unavailable']);
    expect(await inspector.startTime(process.pid)).toBeUndefined();
    expect(await inspector.parentPid(process.pid)).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')(
    'a backend whose libraries are missing (macOS and Windows here) says so',
    async () => {
      for (const platform of ['darwin', 'win32'] as const) {
        const detail = await createProcessInspector({ platform }).detail(process.pid);
        expect(detail?.unavailable.cwd).toMatch(/could not load the .* backend/);
      }
    },
  );
});

describe.runIf(process.platform === 'linux')("this OS's inspector", () => {
  it('answers for this very process', async () => {
    const inspector = createProcessInspector();
    expect(await inspector.parentPid(process.pid)).toBe(process.ppid);
    const started = await inspector.startTime(process.pid);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(started).toBeGreaterThan(Date.now() - 3_600_000);
    // (vitest retitles its workers, so the command line reads 'node (vitest 1)'.)
    expect(await inspector.detail(process.pid)).toMatchObject({
      pid: process.pid,
      ppid: process.ppid,
      cwd: process.cwd(),
      startTime: started,
    });
  });
});
