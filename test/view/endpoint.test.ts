import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/commands/query.js';
import { endpoint } from '../../src/view/endpoint.js';
import { createStyle } from '../../src/view/style.js';
import { tcp, testDeps } from '../helpers/fakes.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-endpoint-');

describe('an address with its port', () => {
  it('brackets IPv6 as ss does', () => {
    expect(endpoint('::', 7200)).toBe('[::]:7200');
    expect(endpoint('::1', 3000)).toBe('[::1]:3000');
    expect(endpoint('0.0.0.0', 80)).toBe('0.0.0.0:80');
  });

  it('is how pm query :port writes a listener', async () => {
    const lines: string[] = [];
    const deps = testDeps(`${tempDir()}/registry.toml`, {
      listeners: [tcp(7200, 42, 'node', '::')],
    });
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    await runQuery({ deps, json: false, style: createStyle(false), io, cwd: '.' }, [':7200']);
    expect(lines).toContain('listening: tcp [::]:7200 pid 42 node');
  });
});
