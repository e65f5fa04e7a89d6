import { describe, expect, it } from 'vitest';
import {
  emptyRegistry,
  type Registry,
  withAllocation,
  withProjectPath,
} from '../../../src/core/model/registry.js';
import { statusRows, unmanagedRows } from '../../../src/core/model/status.js';
import type { Listener } from '../../../src/core/ports.js';
import { rowCells, unmanagedCells } from '../../../src/view/cells.js';
import { tcp } from '../../helpers/fakes.js';

function shop(): Registry {
  let registry = withAllocation(emptyRegistry(), 'shop', 'web', 3000);
  registry = withAllocation(registry, 'shop', 'api', 3001);
  return withProjectPath(registry, 'shop', '/home/ana/src/shop');
}

const scan = (listeners: Listener[]) => ({ ok: true as const, listeners });

describe('status rows', () => {
  it('is active when a TCP listener or a bound UDP socket holds the port, idle otherwise', () => {
    const udp: Listener = { protocol: 'udp', family: 'ipv4', address: '0.0.0.0', port: 3001 };
    const rows = statusRows(shop(), scan([tcp(3000, 10, 'node'), udp]));
    expect(rows.map((row) => [row.service, row.state])).toEqual([
      ['api', 'active'],
      ['web', 'active'],
    ]);
    expect(statusRows(shop(), scan([tcp(3000, 10, 'node')]))[0]?.state).toBe('idle');
  });

  it('is a conflict only when the listener visibly runs outside the project path', () => {
    const cwds: Record<number, string> = {
      10: '/home/ana/src/shop/packages/web',
      11: '/home/ana/src/blog',
    };
    const cwdOf = (pid: number) => cwds[pid];
    expect(statusRows(shop(), scan([tcp(3000, 10, 'node')]), { cwdOf })[1]?.state).toBe('active');
    expect(statusRows(shop(), scan([tcp(3000, 11, 'node')]), { cwdOf })[1]?.state).toBe('conflict');
    // A sibling directory whose name starts with the project's is still outside it.
    cwds[11] = '/home/ana/src/shop-old';
    expect(statusRows(shop(), scan([tcp(3000, 11, 'node')]), { cwdOf })[1]?.state).toBe('conflict');
    // Unknown cwd (another user's process): no evidence, no conflict.
    expect(statusRows(shop(), scan([tcp(3000, 12, 'node')]), { cwdOf })[1]?.state).toBe('active');
    expect(statusRows(shop(), scan([tcp(3000)]), { cwdOf })[1]?.state).toBe('active');
  });

  it('is unknown everywhere when the scan failed', () => {
    expect(statusRows(shop(), { ok: false, reason: 'x' }).map((row) => row.state)).toEqual([
      'unknown',
      'unknown',
    ]);
  });

  it('lists unmanaged TCP listeners inside the range only', () => {
    const rows = unmanagedRows(
      shop(),
      scan([tcp(3000, 1, 'a'), tcp(3500, 2, 'b'), tcp(22, 3, 'sshd'), tcp(12000, 4, 'c')]),
    );
    expect(rows.map((row) => row.port)).toEqual([3500]);
  });
});

describe('cells', () => {
  it('shows pid, process and every address; a hidden pid reads ? and (not visible)', () => {
    const [api, web] = statusRows(
      shop(),
      scan([tcp(3000, 10, 'node', '127.0.0.1'), tcp(3000, 10, 'node', '::1'), tcp(3001)]),
    );
    expect(rowCells(web!)).toEqual({
      PROJECT: 'shop',
      SERVICE: 'web',
      PORT: '3000',
      STATE: 'active',
      PID: '10',
      PROCESS: 'node',
      ADDRESS: '127.0.0.1, ::1',
    });
    expect(rowCells(api!)).toMatchObject({
      PID: '?',
      PROCESS: '(not visible)',
      ADDRESS: '127.0.0.1',
    });
  });

  it('counts extra processes sharing a port', () => {
    const [, web] = statusRows(shop(), scan([tcp(3000, 10, 'nginx'), tcp(3000, 11, 'nginx')]));
    expect(rowCells(web!).PID).toBe('10 +1');
  });

  it('marks unmanaged rows', () => {
    expect(unmanagedCells({ port: 3500, listeners: [tcp(3500, 2, 'b')] })).toMatchObject({
      PROJECT: '-',
      STATE: 'unmanaged',
      PID: '2',
    });
  });
});
