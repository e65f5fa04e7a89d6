// What a new user reads when they slip: each message names what was typed and says what to
// do next, on its own hint line; --json errors are JSON. In-process, private registries.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-messages-');

async function shop() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runMain(['--registry', path, ...args], { cwd: tempDir() });
  expect((await pm('config', '--range', '28250-28299')).code).toBe(0);
  expect((await pm('allocate', 'shop', 'web')).code).toBe(0);
  return pm;
}

describe('messages', () => {
  it('pm query 7100 (colon forgotten) names :7100', async () => {
    const pm = await shop();
    const result = await pm('query', '7100');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("hint: for port 7100, write 'pm query :7100'");
    expect(result.stderr).not.toContain('pm allocate 7100');
  });

  it('an unknown flag is named as typed', async () => {
    const pm = await shop();
    const result = await pm('allocate', '-shop', 'web');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown flag '-shop'");
    expect((await pm('status', '--colour')).stderr).toContain("unknown flag '--colour'");
  });

  it('pm free <project> outside it says what to do on a hint line', async () => {
    const pm = await shop();
    const result = await pm('free', 'shop');
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("pm: no service named to free of 'shop'");
    expect(lines[1]).toBe(
      'hint: pm free shop <service> frees one service, pm free shop --all all of them',
    );
  });

  it('pm env --write into a missing directory says so, without a temp file name', async () => {
    const pm = await shop();
    const missing = join(tempDir(), 'nonexistent');
    const result = await pm('env', 'shop', '--write', join(missing, 'x.env'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the directory ${missing} does not exist`);
    expect(result.stderr).not.toMatch(/\.tmp|pm doctor/);
  });

  it('pm run --json reports a command that cannot start as a JSON error', async () => {
    const pm = await shop();
    const result = await pm('run', 'shop', 'web', '--json', '--', 'pm-no-such-command-23');
    expect(result.code).toBe(127);
    const error = JSON.parse(result.stderr).error;
    expect(error).toMatchObject({ code: 'COMMAND_FAILED' });
    expect(error.message).toContain('command not found: pm-no-such-command-23');
  });
});
