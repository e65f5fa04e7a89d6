import { it } from 'vitest';
import { render } from 'ink';
import { EventEmitter } from 'node:events';
import { App } from '../../src/components/app.js';
import { fakeScanner, listener, registryToml, tempRegistry, testDeps } from './helpers/fixtures.js';

it('perf', async () => {
  const registry = await tempRegistry();
  const projects: Record<string, Record<string, number>> = {};
  for (let i = 0; i < 50; i++) (projects[`project${i % 5}`] ??= {})[`service${i}`] = 20000 + i;
  await registry.write(registryToml(projects));
  const scanner = fakeScanner([listener(20001, 10, 'node')]);
  let writes = 0; let last = "";
  const out = Object.assign(new EventEmitter(), { columns: 120, rows: Number(process.env.ROWS ?? 62), isTTY: true, write: (f: string) => { writes++; last = f; return true; } });
  let clock = 0;
  const inst = render(<App deps={testDeps(registry.store, scanner)} registryPath={registry.path} intervalMs={10} color={process.env.COLOR !== "0"} now={() => (process.env.FIXED ? 0 : (clock += 1000))} />, { stdout: out as never, stdin: Object.assign(new EventEmitter(), { isTTY: true, setRawMode() {}, setEncoding() {}, ref() {}, unref() {}, read: () => null, resume() {}, pause() {} }) as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  for (let i = 0; i < 100 && scanner.calls < 20; i++) await new Promise((r) => setTimeout(r, 20));
  console.log("calls", scanner.calls, "writes", writes, last);
  const c0 = process.cpuUsage(); const s0 = scanner.calls; const w0 = writes;
  while (scanner.calls < s0 + 200) await new Promise((r) => setTimeout(r, 1));
  const u = process.cpuUsage(c0);
  console.log('cpu ms per tick', ((u.user + u.system) / 1000 / (scanner.calls - s0)).toFixed(2), 'writes per tick', ((writes - w0) / (scanner.calls - s0)).toFixed(2));
  inst.unmount();
  await registry.remove();
});
