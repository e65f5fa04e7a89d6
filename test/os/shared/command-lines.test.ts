// Command lines are read once per process (pid + start time), only for attributed listeners.
import { afterEach, describe, expect, it } from 'vitest';
import type { Scanner } from '../../../src/core/ports.js';
import { decodeCmdline } from '../../../src/os/linux/decode/cmdline.js';
import { createLinuxScanner } from '../../../src/os/linux/scanner.js';
import { CommandLineCache } from '../../../src/os/shared/command-lines.js';
import { type RunningChild, startChild } from '../helpers/listener-child.js';

describe('decodeCmdline (/proc/<pid>/cmdline bytes)', () => {
  it('splits NUL-ended words and keeps empty and non-ASCII arguments', () => {
    const bytes = Buffer.from('node\0server.js\0--name\0\0café ☕\0', 'utf8');
    expect(decodeCmdline(bytes)).toEqual(['node', 'server.js', '--name', '', 'café ☕']);
  });

  it('reads a rewritten title (one string, padded with NULs) as one word', () => {
    expect(decodeCmdline(Buffer.from('npm run dev\0\0\0\0', 'utf8'))).toEqual(['npm run dev']);
    expect(decodeCmdline(Buffer.from('nginx: worker process', 'utf8'))).toEqual([
      'nginx: worker process',
    ]);
  });

  it('gives nothing for a kernel thread or a zombie (empty file)', () => {
    expect(decodeCmdline(Buffer.alloc(0))).toEqual([]);
    expect(decodeCmdline(Buffer.from([0, 0]))).toEqual([]);
  });
});

describe('CommandLineCache', () => {
  function counting(answer: (pid: number) => string[] | undefined) {
    const calls: number[] = [];
    const cache = new CommandLineCache((pid) => {
      calls.push(pid);
      return answer(pid);
    });
    return { cache, calls };
  }

  it('reads a process once while its pid and start time stay the same', () => {
    const { cache, calls } = counting((pid) => ['node', `server-${pid}.js`]);
    for (let scan = 0; scan < 3; scan++) {
      cache.beginScan();
      expect(cache.get(100, '555')).toEqual(['node', 'server-100.js']);
      cache.endScan();
    }
    expect(calls).toEqual([100]);
  });

  it('reads again when the pid is reused by a new process (new start time)', () => {
    let name = 'old.js';
    const { cache, calls } = counting(() => ['node', name]);
    cache.beginScan();
    expect(cache.get(100, '555')).toEqual(['node', 'old.js']);
    cache.endScan();
    name = 'new.js';
    cache.beginScan();
    expect(cache.get(100, '777')).toEqual(['node', 'new.js']);
    cache.endScan();
    expect(calls).toEqual([100, 100]);
  });

  it('remembers an unreadable command line too, and forgets processes no longer asked for', () => {
    const { cache, calls } = counting(() => undefined);
    cache.beginScan();
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.endScan();
    cache.beginScan();
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.endScan();
    expect(calls).toEqual([1]);
    cache.beginScan();
    cache.endScan(); // pid 1 not asked for: dropped
    cache.beginScan();
    cache.get(1, 'a');
    cache.endScan();
    expect(calls).toEqual([1, 1]);
  });
});

const children: RunningChild<unknown>[] = [];
const scanners: Scanner[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
  for (const scanner of scanners.splice(0)) scanner.dispose?.();
});

describe.runIf(process.platform === 'linux')('Linux scanner command lines', () => {
  const SCRIPT = `const s = require('node:net').createServer().listen(0, '127.0.0.1', () =>
    console.log(JSON.stringify({ port: s.address().port })));`;

  it('reads /proc/<pid>/cmdline once for a listener that stays, and only for attributed ports', async () => {
    const child = await startChild<{ port: number }>(SCRIPT);
    children.push(child);
    const reads: number[] = [];
    const scanner = createLinuxScanner({
      force: 'procfs',
      readCommand: (pid) => {
        reads.push(pid);
        return ['node', 'marker.js'];
      },
    });
    scanners.push(scanner);
    const wanted = { attribute: (port: number) => port === child.report.port };

    for (let scan = 0; scan < 3; scan++) {
      const outcome = await scanner.scan(wanted);
      if (!outcome.ok) throw new Error(outcome.reason);
      const mine = outcome.listeners.find((l) => l.port === child.report.port);
      expect(mine).toMatchObject({ pid: child.pid, command: ['node', 'marker.js'] });
      // Listeners that were not asked about get neither an owner nor a command line.
      expect(outcome.listeners.filter((l) => l.command && l.port !== child.report.port)).toEqual(
        [],
      );
    }
    expect(reads).toEqual([child.pid]);
  });
});
