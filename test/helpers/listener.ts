import { type ChildProcess, spawn } from 'node:child_process';

export interface HeldPorts {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The ports actually bound, in the order of the requested hosts. */
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * Holds TCP listeners in a separate process (a different PID from the test's, as a real dev
 * server would be). `port` 0 lets the OS choose. Resolves once every listener is bound.
 */
export function holdListeners(
  specs: readonly { host: string; port?: number; ipv6Only?: boolean }[],
): Promise<HeldPorts> {
  const script = `
    const net = require('node:net');
    const specs = ${JSON.stringify(specs)};
    const servers = [];
    (async () => {
      const ports = [];
      for (const spec of specs) {
        const server = net.createServer();
        await new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: spec.host, port: spec.port ?? 0, ipv6Only: spec.ipv6Only ?? false }, resolve);
        });
        servers.push(server);
        ports.push(server.address().port);
      }
      process.stdout.write(JSON.stringify(ports) + '\\n');
    })().catch((error) => { process.stderr.write(String(error)); process.exit(3); });
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`listener process exited (${code}): ${err}`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        resolve({
          child,
          pid: child.pid!,
          ports: JSON.parse(line) as number[],
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}
