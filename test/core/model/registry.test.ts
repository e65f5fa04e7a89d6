import { describe, expect, it } from 'vitest';
import { PmError } from '../../../src/core/errors.js';
import {
  allocations,
  candidatePorts,
  emptyRegistry,
  pickFreePort,
  projectAt,
  type Registry,
  withAllocation,
  withDefaults,
  withoutProject,
  withoutService,
  withProjectPath,
} from '../../../src/core/model/registry.js';

function registry(range = { start: 3000, end: 3010 }, exclude: number[] = []): Registry {
  return withDefaults(emptyRegistry(), { range, exclude });
}

const take = (iterable: Iterable<number>, n: number) => {
  const out: number[] = [];
  for (const value of iterable) {
    if (out.length >= n) break;
    out.push(value);
  }
  return out;
};

describe('candidate ports', () => {
  it('starts at the range start and skips allocated and excluded ports', () => {
    let reg = registry({ start: 3000, end: 3010 }, [3001]);
    reg = withAllocation(reg, 'shop', 'web', 3000);
    expect(take(candidatePorts(reg), 3)).toEqual([3002, 3003, 3004]);
  });

  it('never offers ports browsers refuse', () => {
    const reg = registry({ start: 6660, end: 6700 });
    const ports = [...candidatePorts(reg)];
    for (const unsafe of [6665, 6666, 6667, 6668, 6669, 6679, 6697])
      expect(ports).not.toContain(unsafe);
    expect(ports).toContain(6664);
    expect(ports).toContain(6670);
  });

  it('starts from --prefer, clamped into the range', () => {
    const reg = registry({ start: 3000, end: 3010 });
    expect(take(candidatePorts(reg, 3005), 2)).toEqual([3005, 3006]);
    expect(take(candidatePorts(reg, 10), 1)).toEqual([3000]);
    expect([...candidatePorts(reg, 4000)]).toEqual([]);
  });
});

describe('pickFreePort', () => {
  it('asks the live check and returns the first port it accepts', async () => {
    const reg = registry();
    const asked: number[] = [];
    const port = await pickFreePort(reg, async (candidate) => {
      asked.push(candidate);
      return candidate >= 3002;
    });
    expect(port).toBe(3002);
    expect(asked).toEqual([3000, 3001, 3002]);
  });

  it('reports an exhausted range with the range and how to widen it', async () => {
    const reg = registry({ start: 3000, end: 3002 });
    const error = await pickFreePort(reg, async () => false).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PmError);
    expect((error as PmError).code).toBe('RANGE_EXHAUSTED');
    expect((error as PmError).message).toContain('3000-3002');
    expect((error as PmError).remedies.map((remedy) => remedy.kind)).toContain('widen-range');
    expect((error as PmError).exitCode).toBe(1);
  });
});

describe('changes', () => {
  it('lists allocations sorted by project then service', () => {
    let reg = registry();
    reg = withAllocation(reg, 'shop', 'web', 3000);
    reg = withAllocation(reg, 'blog', 'web', 3002);
    reg = withAllocation(reg, 'shop', 'api', 3001);
    expect(allocations(reg).map((a) => `${a.project}/${a.service}`)).toEqual([
      'blog/web',
      'shop/api',
      'shop/web',
    ]);
  });

  it('refuses to give one port to two services', () => {
    const reg = withAllocation(registry(), 'shop', 'web', 3000);
    expect(() => withAllocation(reg, 'blog', 'web', 3000)).toThrow(
      /already allocated to shop\/web/,
    );
  });

  it('drops a project when its last service is freed, keeps it when it has a path', () => {
    let reg = withAllocation(registry(), 'shop', 'web', 3000);
    expect(withoutService(reg, 'shop', 'web').projects.has('shop')).toBe(false);
    reg = {
      ...reg,
      projects: new Map([['shop', { ...reg.projects.get('shop')!, path: '/src/shop' }]]),
    };
    expect(withoutService(reg, 'shop', 'web').projects.get('shop')?.path).toBe('/src/shop');
  });

  it('frees a whole project', () => {
    let reg = withAllocation(registry(), 'shop', 'web', 3000);
    reg = withAllocation(reg, 'shop', 'api', 3001);
    reg = withAllocation(reg, 'blog', 'web', 3002);
    expect(allocations(withoutProject(reg, 'shop')).map((a) => a.port)).toEqual([3002]);
  });

  it('does not mutate the registry it was given', () => {
    const before = registry();
    withAllocation(before, 'shop', 'web', 3000);
    expect(allocations(before)).toEqual([]);
  });
});

describe('projectAt', () => {
  it('finds the project whose path holds a directory, the deepest when paths nest', () => {
    let reg = withProjectPath(registry(), 'mono', '/src/mono');
    reg = withProjectPath(reg, 'web', '/src/mono/apps/web');
    reg = withProjectPath(reg, 'shop', '/src/shop/');
    expect(projectAt(reg, '/src/mono/apps/web/src')).toBe('web');
    expect(projectAt(reg, '/src/mono/libs')).toBe('mono');
    expect(projectAt(reg, '/src/shop')).toBe('shop');
    expect(projectAt(reg, '/src/shop-old')).toBeUndefined();
    expect(projectAt(reg, '/elsewhere')).toBeUndefined();
  });
});
