// The range the OS picks outgoing (ephemeral) ports from. A pm range inside it lets any
// outbound connection grab a handed-out port between allocation and bind.
import { readFileSync } from 'node:fs';

export interface EphemeralRange {
  readonly start: number;
  readonly end: number;
  /** Where the numbers come from: read from the OS, or the platform's documented default. */
  readonly source: string;
}

export function ephemeralRange(
  platform: NodeJS.Platform = process.platform,
): EphemeralRange | undefined {
  if (platform === 'linux') {
    const path = '/proc/sys/net/ipv4/ip_local_port_range';
    try {
      const [start, end] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
      if (start && end) return { start, end, source: path };
    } catch {
      return undefined;
    }
    return undefined;
  }
  // IANA's dynamic range, the default on macOS (net.inet.ip.portrange.first/last) and on
  // Windows since Vista (netsh int ipv4 show dynamicport tcp); not read from the machine.
  if (platform === 'darwin' || platform === 'win32') {
    return { start: 49152, end: 65535, source: `${platform} default` };
  }
  return undefined;
}
