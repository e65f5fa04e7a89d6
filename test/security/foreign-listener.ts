// Listeners for the kill tests that pm's own Node cannot be (another user's process, several
// processes sharing one socket): a small Python program that listens on 127.0.0.1, forks
// `forks` children after listen (they share the socket), prints the port and every pid, and
// exits when its stdin closes. The test starts it and is the only one to stop it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((path) =>
  existsSync(path),
);

const PROGRAM = `
import os, socket, sys
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen()
pids = [os.getpid()]
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        sys.stdin.read()
        os._exit(0)
    pids.append(pid)
print(s.getsockname()[1], *pids, flush=True)
sys.stdin.read()
for pid in pids[1:]:
    os.waitpid(pid, 0)
`;

export interface ForeignListener {
  readonly port: number;
  readonly pids: readonly number[];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export async function foreignListener(options: {
  uid?: number;
  gid?: number;
  forks?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<ForeignListener> {
  if (!PYTHON) throw new Error('no python3');
  const child = spawn(PYTHON, ['-c', PROGRAM, String(options.forks ?? 0)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...options.env },
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    child.on('exit', () => reject(new Error('listener exited before listening')));
  });
  const [port, ...pids] = line.split(/\s+/).map(Number);
  return {
    port: port as number,
    pids,
    child,
    exited,
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}

/** Whether `pid` is still running (a zombie nobody reaped yet has ended). */
export function alive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z';
}

/** Waits for `check` to hold, polling; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The state letter of /proc/<pid>/stat (R, S, T, Z...), undefined when the pid is gone. */
export function processState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
  } catch {
    return undefined;
  }
}
