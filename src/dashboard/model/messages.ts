// What the message line says: the words for outcomes and errors, in the dashboard's terms.

import type { AllocateResult } from '../../core/actions/index.js';
import { isPmError } from '../../core/errors.js';
import { formatError } from '../../view/errors.js';
import type { Tone } from '../ui/theme.js';
import type { FreeRequest } from './free-target.js';

// Text and hint are kept as they came (foreign text included): they are sanitized once, when
// drawn (message-text.ts messageLines; the form's field error in allocate-form.tsx).
export interface Message {
  readonly tone: Tone;
  readonly text: string;
  /** Lines quoted from a file (a TOML code frame): each shown as a line of its own. */
  readonly excerpt?: readonly string[];
  readonly hint?: string;
  /**
   * For an action's error: the registry as the dashboard showed it when the error first
   * appeared. Once the registry differs, the error is about a file that is gone.
   */
  readonly shownWith?: unknown;
}

/**
 * What the user meant by the error; PmErrors carry their own words, bugs are named as such.
 * `where` words the hint for the table or for the open allocate form.
 */
export function messageOf(error: unknown, where: 'dashboard' | 'form' = 'dashboard'): Message {
  if (isPmError(error)) {
    const { message, excerpt, hint } = formatError(error, where);
    return {
      tone: 'error',
      text: message,
      ...(excerpt ? { excerpt } : {}),
      ...(hint === undefined ? {} : { hint }),
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { tone: 'error', text: `unexpected error: ${text}`, hint: 'please report it' };
}

/** The outcome of an allocation: a warning when the port came with caveats. */
export function allocatedMessage(result: AllocateResult): Message {
  const { project, service, port, created, warnings } = result;
  const text = created
    ? `allocated ${project}/${service}: port ${port}`
    : `${project}/${service} already has port ${port}`;
  return warnings.length > 0
    ? { tone: 'warning', text: `${text}; ${warnings.join('; ')}` }
    : { tone: 'success', text };
}

export function describeFreeTarget(target: FreeRequest): string {
  return `${target.project}/${target.service} (port ${target.port})`;
}
