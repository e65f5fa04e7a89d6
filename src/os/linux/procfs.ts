// The /proc/net text tables: what `ss` falls back to when netlink sock_diag is missing.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Family } from '../../core/ports.js';
import { parseProcNet } from './decode/procnet.js';
import type { SocketRecord } from './decode/socket-record.js';

export interface ProcNetTable {
  /** File name under /proc/net: 'tcp', 'tcp6', 'udp', 'udp6'. */
  readonly file: string;
  readonly family: Family;
  /** Bit n set: keep rows in state n. Absent: keep every row. */
  readonly states?: number;
}

export type ProcNetOutcome =
  | { readonly ok: true; readonly records: readonly (readonly SocketRecord[])[] }
  | { readonly ok: false; readonly reason: string };

const littleEndian = endianness() === 'LE';
const INITIAL_BUFFER_BYTES = 256 * 1024;

/** Reads /proc/net tables into a buffer kept between scans. */
export class ProcNetReader {
  // Grows to the largest table seen, so a steady machine's table arrives in one read():
  // the kernel keeps only each row consistent, and rows can repeat or vanish at the seams
  // between reads while sockets come and go. Allocated on first use: a scanner on the
  // netlink path never needs it.
  private buffer = Buffer.alloc(0);

  constructor(private readonly directory = '/proc/net') {}

  /**
   * The records of table i are at index i. A missing file (tcp6 on a kernel without IPv6)
   * is an empty table; the outcome fails if a table is unreadable or none exists.
   * `directory` overrides the constructor's, e.g. /proc/<pid>/net for a process's netns.
   */
  read(tables: readonly ProcNetTable[], directory = this.directory): ProcNetOutcome {
    const records: SocketRecord[][] = [];
    let found = 0;
    for (const table of tables) {
      const path = `${directory}/${table.file}`;
      let text: string;
      try {
        text = this.readWhole(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') {
          return { ok: false, reason: `cannot read ${path} (${code ?? String(error)})` };
        }
        records.push([]);
        continue;
      }
      found++;
      records.push(
        parseProcNet(text, { family: table.family, littleEndian, states: table.states }),
      );
    }
    if (found === 0) return { ok: false, reason: `${directory} has no socket tables` };
    return { ok: true, records };
  }

  private readWhole(path: string): string {
    const fd = openSync(path, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const larger = Buffer.allocUnsafe(Math.max(INITIAL_BUFFER_BYTES, this.buffer.length * 2));
          this.buffer.copy(larger, 0, 0, length);
          this.buffer = larger;
        }
        const read = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (read === 0) break;
        length += read;
      }
      return this.buffer.toString('latin1', 0, length);
    } finally {
      closeSync(fd);
    }
  }
}
