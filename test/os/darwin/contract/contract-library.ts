// Builds test/os/darwin/contract/libsystem-contract.c into a shared library (once per source
// digest, in the test cache) and describes the macOS machine it answers for. pm's darwin
// backend then loads it through its real koffi declarations (loadDarwinLibc(path)).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { type DarwinBinding, loadDarwinLibc } from '../../../../src/os/darwin/scanner.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'libsystem-contract.c');

/** The C compiler, or undefined: the contract tests then skip with that reason. */
export function compiler(): string | undefined {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang']) {
    if (!cc) continue;
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {}
  }
  return undefined;
}

export function buildContractLibrary(cc: string): string {
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `pm-darwin-contract-${process.getuid?.() ?? 'user'}`);
  const library = join(dir, `libsystem-contract-${digest}.so`);
  if (existsSync(library)) return library;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = `${library}.${process.pid}.tmp`;
  execFileSync(cc, [
    '-shared',
    '-fPIC',
    '-O1',
    '-Wall',
    '-Werror',
    '-Wl,-Bsymbolic',
    '-o',
    partial,
    SOURCE,
  ]);
  renameSync(partial, library);
  return library;
}

const KIND = { sysctl: 1, proc: 2, pidinfo: 3, fdinfo: 4, path: 5, args: 6, user: 7, gone: 8 };

export const PROC_PIDLISTFDS = 1;
export const PROC_PIDTBSDINFO = 3;
export const PROC_PIDVNODEPATHINFO = 9;
export const PROC_PIDT_SHORTBSDINFO = 13;
export const EPERM = 1;
export const ESRCH = 3;
export const EINVAL = 22;

export interface ContractProcess {
  readonly ppid?: number;
  readonly path?: string;
  /** Answers by PROC_PIDINFO flavor; a number is the errno that flavor fails with. */
  readonly info?: Readonly<Record<number, Buffer | number>>;
  /** Socket descriptors: PROC_PIDLISTFDS lists them (and fd 0, a vnode), FDINFO answers. */
  readonly sockets?: readonly { readonly fd: number; readonly info: Buffer }[];
  /** KERN_PROCARGS2; a number is its errno (EINVAL for another user's process). */
  readonly args?: Buffer | number;
}

/** One machine's answers, written as the records contract_load reads. */
export class ContractMachine {
  private readonly records: Uint8Array[] = [];

  sysctl(
    name: string,
    table: Buffer,
    options: { growFetches?: number; errno?: number } = {},
  ): this {
    return this.add(
      KIND.sysctl,
      options.growFetches ?? 0,
      0,
      options.errno ?? 0,
      Buffer.concat([Buffer.from(`${name}\0`), table]),
    );
  }

  process(pid: number, spec: ContractProcess): this {
    this.add(KIND.proc, pid, spec.ppid ?? 1, 0);
    if (spec.path !== undefined) this.add(KIND.path, pid, 0, 0, Buffer.from(spec.path));
    for (const [flavor, answer] of Object.entries(spec.info ?? {})) {
      this.answer(KIND.pidinfo, pid, Number(flavor), answer);
    }
    if (spec.sockets) {
      const fds = Buffer.alloc((spec.sockets.length + 1) * 8);
      fds.writeUInt32LE(1, 4); // fd 0: PROX_FDTYPE_VNODE
      spec.sockets.forEach((socket, i) => {
        fds.writeInt32LE(socket.fd, (i + 1) * 8);
        fds.writeUInt32LE(2, (i + 1) * 8 + 4); // PROX_FDTYPE_SOCKET
        this.add(KIND.fdinfo, pid, socket.fd, 0, socket.info);
      });
      this.add(KIND.pidinfo, pid, PROC_PIDLISTFDS, 0, fds);
    }
    if (spec.args !== undefined) this.answer(KIND.args, pid, 0, spec.args);
    return this;
  }

  /** Listed by proc_listpids, exited before any per-process call. */
  gone(pid: number): this {
    return this.add(KIND.gone, pid, 0, 0);
  }

  user(uid: number, name: string): this {
    return this.add(KIND.user, uid, 0, 0, Buffer.from(name));
  }

  bytes(): Buffer {
    return Buffer.concat(this.records);
  }

  private answer(kind: number, a: number, b: number, answer: Uint8Array | number): void {
    if (typeof answer === 'number') this.add(kind, a, b, answer);
    else this.add(kind, a, b, 0, answer);
  }

  private add(
    kind: number,
    a: number,
    b: number,
    errno: number,
    data: Uint8Array = new Uint8Array(),
  ): this {
    const head = Buffer.alloc(20);
    head.writeUInt32LE(kind, 0);
    head.writeInt32LE(a, 4);
    head.writeInt32LE(b, 8);
    head.writeInt32LE(errno, 12);
    head.writeUInt32LE(data.length, 16);
    this.records.push(head, data);
    return this;
  }
}

export interface ContractLibrary {
  /** pm's real binding over the contract library (its koffi declarations under test). */
  readonly binding: DarwinBinding;
  /** Makes the library answer for `machine` from now on, with an empty call log. */
  use(machine: ContractMachine): void;
  /** Every call since `use`, one line each: "sysctlbyname net.inet.tcp.pcblist_n NULL 0". */
  calls(): string[];
}

export function openContractLibrary(library: string): ContractLibrary {
  const binding = loadDarwinLibc(library);
  const lib = koffi.load(library);
  const load = lib.func('int contract_load(const char *path)');
  const log = lib.func('const char *contract_log(void)');
  const file = join(dirname(library), `machine-${process.pid}.bin`);
  return {
    binding,
    use(machine) {
      writeFileSync(file, machine.bytes());
      const loaded = load(file) as number;
      if (loaded < 0) throw new Error(`contract_load(${file}) failed: ${loaded}`);
    },
    calls: () => (log() as string).split('\n').filter((line) => line !== ''),
  };
}
