// pm's block inside a user's env file (.env): fenced by marker lines so pm rewrites only
// its own lines, and every byte outside the fence stays exactly as the user left it.
// Text is handled as latin1 by the caller, so any byte sequence (UTF-8 or not) round-trips.
import { PmError } from '../errors.js';

export function fenceStart(project: string): string {
  return `# >>> pm: ${project} >>>`;
}

export function fenceEnd(project: string): string {
  return `# <<< pm: ${project} <<<`;
}

interface Line {
  /** Offset of the line's first byte. */
  readonly start: number;
  /** Offset just past its line ending (or the end of the text). */
  readonly end: number;
  readonly text: string;
  readonly eol: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /([^\r\n]*)(\r\n|\n|\r(?!\n)|$)/gy;
  let offset = 0;
  while (offset < text.length) {
    pattern.lastIndex = offset;
    const match = pattern.exec(text);
    if (!match || match[0].length === 0) break;
    lines.push({
      start: offset,
      end: offset + match[0].length,
      text: match[1] ?? '',
      eol: match[2] ?? '',
    });
    offset += match[0].length;
  }
  return lines;
}

export interface FenceUpdate {
  readonly text: string;
  readonly changed: boolean;
}

function damaged(file: string, project: string, problem: string): PmError {
  return new PmError(
    'ENV_FILE_DAMAGED',
    `${file}: ${problem}; pm did not change the file`,
    `make the file hold exactly one '${fenceStart(project)}' line followed by one '${fenceEnd(project)}' line (or remove both), then run the command again`,
  );
}

/**
 * The file's text with pm's block for `project` set to `body` (lines without endings).
 * A missing file (undefined) becomes just the block. The block keeps the file's line ending
 * (CRLF stays CRLF) and, if it ended the file without a final newline, still does.
 */
export function updateFence(
  current: string | undefined,
  project: string,
  body: readonly string[],
  file: string,
): FenceUpdate {
  const text = current ?? '';
  const lines = splitLines(text);
  const startMark = fenceStart(project);
  const endMark = fenceEnd(project);
  const starts = lines.filter((line) => line.text.trimEnd() === startMark);
  const ends = lines.filter((line) => line.text.trimEnd() === endMark);
  const eol = lines.find((line) => line.eol !== '')?.eol ?? '\n';
  const block = (last: string) => [startMark, ...body, endMark].join(eol) + last;

  if (starts.length === 0 && ends.length === 0) {
    if (text === '') return { text: block(eol), changed: true };
    const glue = /[\r\n]$/.test(text) ? '' : eol;
    return { text: `${text}${glue}${block(eol)}`, changed: true };
  }
  if (starts.length > 1)
    throw damaged(file, project, `'${startMark}' appears ${starts.length} times`);
  if (ends.length > 1) throw damaged(file, project, `'${endMark}' appears ${ends.length} times`);
  const [start] = starts;
  const [end] = ends;
  if (!start) throw damaged(file, project, `'${endMark}' has no '${startMark}' before it`);
  if (!end) throw damaged(file, project, `'${startMark}' is never closed by '${endMark}'`);
  if (end.start < start.start) {
    throw damaged(file, project, `'${endMark}' comes before '${startMark}'`);
  }
  const next = text.slice(0, start.start) + block(end.eol) + text.slice(end.end);
  return { text: next, changed: next !== text };
}
