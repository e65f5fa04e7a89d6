import { describe, expect, it } from 'vitest';
import {
  decodeProcessEntry,
  newProcessEntryBuffer,
  readWideCString,
} from '../../../src/os/win32/decode/toolhelp.js';
import { processEntry } from '../fixtures/win32-structs.js';

describe('PROCESSENTRY32W', () => {
  it('reads th32ProcessID, th32ParentProcessID and szExeFile', () => {
    expect(decodeProcessEntry(processEntry(4242, 'node.exe', 1200))).toEqual({
      pid: 4242,
      ppid: 1200,
      exeFile: 'node.exe',
    });
    expect(decodeProcessEntry(processEntry(4, 'System', 0))).toEqual({
      pid: 4,
      ppid: 0,
      exeFile: 'System',
    });
  });

  it('decodes non-ASCII names, including characters outside the BMP', () => {
    for (const name of ['Café Serveur.exe', 'サーバー.exe', 'сервер.exe', 'app-🚀.exe']) {
      expect(decodeProcessEntry(processEntry(10, name))?.exeFile).toBe(name);
    }
  });

  it('stops at MAX_PATH characters when the name is not terminated', () => {
    const buf = processEntry(1, '');
    buf.fill(0x41, 44); // 'A' in every byte up to the end: '䅁' code units, no NUL
    expect(decodeProcessEntry(buf)?.exeFile).toHaveLength(260);
  });

  it('does not decode a buffer shorter than the struct', () => {
    expect(decodeProcessEntry(Buffer.alloc(100))).toBeUndefined();
  });

  it('prepares a zeroed entry with dwSize = 568', () => {
    const buf = newProcessEntryBuffer();
    expect(buf.length).toBe(568);
    expect(buf.readUInt32LE(0)).toBe(568);
    expect(buf.subarray(4).every((byte) => byte === 0)).toBe(true);
  });

  it('readWideCString never reads past the buffer', () => {
    const odd = Buffer.from([0x41, 0x00, 0x42]);
    expect(readWideCString(odd, 0, 10)).toBe('A');
  });
});
