import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createProcessTree, descendantsIn, valueInEnviron } from '../../../src/os/linux/tree.js';

describe('process tree decoding', () => {
  it('collects descendants at any depth, and only them', () => {
    const parents = new Map([
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 1],
    ]);
    expect([...descendantsIn(parents, 2)].sort()).toEqual([2, 3, 4]);
  });

  it('finds one variable in an environment block', () => {
    expect(valueInEnviron('A=1\0PM_SERVICE=shop/web\0B=2\0', 'PM_SERVICE')).toBe('shop/web');
    expect(valueInEnviron('XPM_SERVICE=no\0', 'PM_SERVICE')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('process tree on Linux', () => {
  it("sees a grandchild in a child's tree, and the marker in its environment", async () => {
    // A child that starts a grandchild and reports its pid; both carry the marker.
    const script = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
      console.log(JSON.stringify({ grandchild: g.pid }));
      setTimeout(() => {}, 30000);
      process.on('SIGTERM', () => { g.kill('SIGKILL'); process.exit(0); });
    `;
    const env = { ...process.env, PM_SERVICE: 'shop/web' };
    const child = spawn(process.execPath, ['-e', script], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve) =>
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      );
      const { grandchild } = JSON.parse(line) as { grandchild: number };
      const tree = createProcessTree();
      const pids = tree.descendants(child.pid!);
      expect(pids.has(child.pid!)).toBe(true);
      expect(pids.has(grandchild)).toBe(true);
      expect(pids.has(process.pid)).toBe(false);
      expect(tree.environmentValue(grandchild, 'PM_SERVICE')).toBe('shop/web');
    } finally {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });
});
