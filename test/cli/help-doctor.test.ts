// pm help says what each command's --all means and which registry is in use; pm doctor takes
// a scanner turned off on purpose as a choice, not a failure.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-help-doctor-');

describe('pm help', () => {
  it("words --all per command: free's means every service", async () => {
    const { stdout } = await runMain(['help']);
    const line = stdout.split('\n').find((text) => text.trimStart().startsWith('--all')) ?? '';
    expect(line).toMatch(
      /also list listeners in the range that nobody allocated \(dashboard, status\)/,
    );
    expect(line).toContain('free: release every service of the project');
  });

  it('shows the registry in use when --registry or PM_REGISTRY names one', async () => {
    const path = join(tempDir(), 'registry.toml');
    const flag = await runMain(['--registry', path, 'help']);
    expect(flag.stdout).toContain(`Registry: ${path} (--registry)`);
    const env = await runMain(['help', 'status'], { env: { PM_REGISTRY: path } });
    expect(env.stdout).toContain(`Registry: ${path} ($PM_REGISTRY)`);
    const plain = await runMain(['help']);
    expect(plain.stdout).toMatch(/Registry: .*port-manager/);
  });
});

describe('pm doctor', () => {
  it('PM_SCANNER=none is a choice: the scanner check is ok and doctor exits 0', async () => {
    const path = join(tempDir(), 'registry.toml');
    const result = await runMain(['--registry', path, 'doctor'], { env: { PM_SCANNER: 'none' } });
    expect(result.stdout).toMatch(/^ok {3}scanner {4}scanning is turned off \(PM_SCANNER=none\)/m);
    expect(result.code).toBe(0);
  });
});
