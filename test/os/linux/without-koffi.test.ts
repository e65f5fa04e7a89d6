// A machine where koffi cannot load (no prebuilt binary for the platform, a package
// installed without its optional dependencies) still gets a full scan from /proc/net.
import { describe, expect, it, vi } from 'vitest';
import { createLinuxScanner } from '../../../src/os/linux/scanner.js';

vi.mock('koffi', () => {
  throw new Error('Cannot find the native Koffi module');
});

describe.runIf(process.platform === 'linux')('Linux scanner without koffi', () => {
  it('falls back to /proc/net', async () => {
    const scanner = createLinuxScanner();
    const outcome = await scanner.scan();
    expect(outcome.ok).toBe(true);
    expect(scanner.backend).toBe('linux-procfs');
  });

  it('says why when netlink is forced', async () => {
    const outcome = await createLinuxScanner({ force: 'netlink' }).scan();
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/koffi/i) });
  });
});
