// The Macs the contract tests describe to the contract library.
import {
  bsdInfo,
  bsdShortInfo,
  ipv4,
  pcbStream,
  procArgs2,
  socketFdInfo,
  tcpItem,
  vnodePathInfo,
} from '../../fixtures/darwin-structs.js';
import {
  ContractMachine,
  PROC_PIDT_SHORTBSDINFO,
  PROC_PIDTBSDINFO,
  PROC_PIDVNODEPATHINFO,
} from './contract-library.js';

export const LISTENER = { pid: 4242, parentPid: 4000, port: 41234, uid: 501 };

/** A Mac with one node server of user anna (501) on 127.0.0.1, started by a shell. */
export function macWithServer(): ContractMachine {
  const { pid, parentPid, port, uid } = LISTENER;
  const handle = 0x5eed0042n;
  return new ContractMachine()
    .sysctl(
      'net.inet.tcp.pcblist_n',
      pcbStream(7n, [
        tcpItem({
          lport: port,
          vflag: 1,
          laddr: ipv4('127.0.0.1'),
          lastPid: pid,
          socketHandle: handle,
        }),
      ]),
    )
    .sysctl('net.inet.udp.pcblist_n', pcbStream(7n, []))
    .process(parentPid, {
      ppid: 1,
      path: '/bin/zsh',
      info: { [PROC_PIDT_SHORTBSDINFO]: bsdShortInfo(parentPid, 'zsh', uid) },
    })
    .process(pid, {
      ppid: parentPid,
      path: '/opt/homebrew/bin/node',
      info: {
        [PROC_PIDTBSDINFO]: bsdInfo({
          pid,
          ppid: parentPid,
          uid,
          comm: 'node',
          startSeconds: 1_780_000_000,
          startMicros: 250_000,
        }),
        [PROC_PIDT_SHORTBSDINFO]: bsdShortInfo(pid, 'node', uid, parentPid),
        [PROC_PIDVNODEPATHINFO]: vnodePathInfo('/Users/anna/src/shop'),
      },
      sockets: [
        {
          fd: 21,
          info: socketFdInfo({
            protocol: 6,
            family: 2,
            kind: 2,
            lport: port,
            vflag: 1,
            laddr: ipv4('127.0.0.1'),
            tcpState: 1,
            uid,
            socketHandle: handle,
          }),
        },
      ],
      args: procArgs2(
        '/opt/homebrew/bin/node',
        ['node', 'server.js', '--contract'],
        ['HOME=/Users/anna', 'PM_SERVICE=contract/web'],
      ),
    })
    .user(uid, 'anna');
}
