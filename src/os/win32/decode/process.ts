// Pure decoders for the Windows detail view: the command line that
// NtQueryInformationProcess(ProcessCommandLineInformation) returns (a UNICODE_STRING whose
// characters follow it in the same buffer), the split of a command line into argv (the
// rules of CommandLineToArgvW and the C runtime), and FILETIME.

/** sizeof(UNICODE_STRING) on x64: USHORT Length, USHORT MaximumLength, 4 bytes padding, PWSTR Buffer. */
export const UNICODE_STRING_SIZE = 16;
const US_LENGTH = 0;
const US_BUFFER = 8;

/**
 * The text of a ProcessCommandLineInformation answer. `Length` is in bytes (no NUL). The
 * Buffer pointer points into the answer itself, right after the header; with the answer's
 * address (`base`) the offset is computed from the pointer, without it the header size is
 * assumed. Undefined when the string would lie outside the `returned` bytes.
 */
export function decodeCommandLineInformation(
  buf: Buffer,
  returned: number,
  base?: bigint,
): string | undefined {
  const end = Math.min(returned, buf.length);
  if (end < UNICODE_STRING_SIZE) return undefined;
  const length = buf.readUInt16LE(US_LENGTH);
  const pointer = buf.readBigUInt64LE(US_BUFFER);
  if (length === 0) return '';
  if (pointer === 0n || length % 2 !== 0) return undefined;
  const offset = base === undefined ? UNICODE_STRING_SIZE : Number(pointer - base);
  if (!Number.isSafeInteger(offset) || offset < UNICODE_STRING_SIZE || offset + length > end) {
    return undefined;
  }
  return buf.toString('utf16le', offset, offset + length);
}

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

/**
 * argv from a Windows command line, as CommandLineToArgvW splits it. The program name
 * (argv[0]) ends at the closing quote or the first blank, with no escapes. After it,
 * arguments are separated by blanks outside quotes; 2n backslashes before a quote give n
 * backslashes and the quote toggles quoting, 2n+1 give n and a literal quote; other
 * backslashes are literal; inside quotes, "" is a literal quote.
 */
export function splitCommandLine(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  while (isBlank(line[i])) i++;
  if (i >= line.length) return argv;
  // argv[0]
  let program = '';
  if (line[i] === '"') {
    i++;
    while (i < line.length && line[i] !== '"') program += line[i++];
    i++;
  } else {
    while (i < line.length && !isBlank(line[i])) program += line[i++];
  }
  argv.push(program);
  for (;;) {
    while (isBlank(line[i])) i++;
    if (i >= line.length) return argv;
    let word = '';
    let quoted = false;
    while (i < line.length && (quoted || !isBlank(line[i]))) {
      const char = line[i];
      if (char === '\\') {
        let slashes = 0;
        while (line[i] === '\\') {
          slashes++;
          i++;
        }
        if (line[i] === '"') {
          word += '\\'.repeat(Math.floor(slashes / 2));
          if (slashes % 2 === 1) {
            word += '"';
            i++;
          }
        } else {
          word += '\\'.repeat(slashes);
        }
      } else if (char === '"') {
        if (quoted && line[i + 1] === '"') {
          word += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        word += char;
        i++;
      }
    }
    argv.push(word);
  }
}

/** 100 ns intervals between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFFERENCE_100NS = 116_444_736_000_000_000n;

/** A FILETIME (two DWORDs, low first = a little-endian u64) as ms since the Unix epoch. */
export function decodeFiletime(buf: Buffer, offset = 0): number | undefined {
  if (buf.length < offset + 8) return undefined;
  const value = buf.readBigUInt64LE(offset);
  if (value === 0n) return undefined;
  return Number((value - EPOCH_DIFFERENCE_100NS) / 10_000n);
}
