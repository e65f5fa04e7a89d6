// Pure decoder of PROCESSENTRY32W (MINGW tlhelp32.h; x64 layout in docs/platforms.md, "Byte
// layouts and their sources"). The caller owns one 568-byte buffer per snapshot walk, stamps
// dwSize into it once (Process32FirstW rejects any other size with ERROR_BAD_LENGTH) and
// decodes after each Process32FirstW / Process32NextW.

/** sizeof(PROCESSENTRY32W) on x64. */
export const PROCESSENTRY32W_SIZE = 568;

const TH32_PROCESS_ID = 8;
const TH32_PARENT_PROCESS_ID = 32;
const SZ_EXE_FILE = 44;
/** MAX_PATH WCHARs. */
const SZ_EXE_FILE_CHARS = 260;

export interface ProcessEntry {
  readonly pid: number;
  /** th32ParentProcessID: the creator's pid, which may since have exited or been reused. */
  readonly ppid: number;
  /** The executable's file name (no directory), e.g. 'node.exe' or 'System'. */
  readonly exeFile: string;
}

/** Returns a zeroed PROCESSENTRY32W with dwSize set, ready for Process32FirstW. */
export function newProcessEntryBuffer(): Buffer {
  const buf = Buffer.alloc(PROCESSENTRY32W_SIZE);
  buf.writeUInt32LE(PROCESSENTRY32W_SIZE, 0);
  return buf;
}

export function decodeProcessEntry(buf: Buffer): ProcessEntry | undefined {
  const nameEnd = SZ_EXE_FILE + SZ_EXE_FILE_CHARS * 2;
  if (buf.length < nameEnd) return undefined;
  return {
    pid: buf.readUInt32LE(TH32_PROCESS_ID),
    ppid: buf.readUInt32LE(TH32_PARENT_PROCESS_ID),
    exeFile: readWideCString(buf, SZ_EXE_FILE, SZ_EXE_FILE_CHARS),
  };
}

/** Reads a NUL-terminated UTF-16LE string of at most `maxChars` code units. */
export function readWideCString(buf: Buffer, offset: number, maxChars: number): string {
  const limit = Math.min(offset + maxChars * 2, buf.length);
  let end = offset;
  while (end + 2 <= limit && buf.readUInt16LE(end) !== 0) end += 2;
  return buf.toString('utf16le', offset, end);
}
