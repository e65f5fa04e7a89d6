// Backend choice through the public entry point. On Linux the macOS and Windows libraries
// cannot load, so these scanners must resolve { ok: false } with a reason, never throw.
import { describe, expect, it } from 'vitest';
import { scannerFor } from '../../src/os/index.js';

describe('scannerFor backend choice', () => {
  it.runIf(process.platform !== 'darwin')(
    "picks 'darwin-sysctl' on darwin and resolves { ok: false } where libSystem is missing",
    async () => {
      const scanner = scannerFor({ platform: 'darwin', mode: '' });
      expect(scanner.backend).toBe('darwin-sysctl');
      const outcome = await scanner.scan();
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.reason).toContain('libSystem');
      expect(scanner.backend).toBe('darwin-sysctl');
    },
  );

  it.runIf(process.platform !== 'win32')(
    "picks 'win32-iphlpapi' on win32 and resolves { ok: false } where the DLLs are missing",
    async () => {
      const scanner = scannerFor({ platform: 'win32', mode: '' });
      expect(scanner.backend).toBe('win32-iphlpapi');
      const outcome = await scanner.scan();
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.reason).toContain('iphlpapi.dll');
      expect(scanner.backend).toBe('win32-iphlpapi');
    },
  );

  it('has no scanner for other platforms and says why', async () => {
    const scanner = scannerFor({ platform: 'freebsd' as NodeJS.Platform, mode: '' });
    expect(scanner.seesOtherUsers?.()).toBe(false);
    expect(await scanner.scan()).toEqual({
      ok: false,
      reason: expect.stringContaining("'freebsd'"),
    });
  });
});
