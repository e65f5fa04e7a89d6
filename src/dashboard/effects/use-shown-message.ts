// Which message the message line shows, and when an action's error is out of date. An action's
// error wins over a problem with the data (it is what the user just did); a data problem (a
// corrupt registry, a failed refresh) over other messages; the scanner's absence when nothing
// else has to be said. An action's error is stamped with the registry it was shown with and
// gives way once the registry differs: fixed, changed or broken in another way.
import { type Dispatch, useEffect, useMemo, useRef } from 'react';
import { serializeRegistry } from '../../core/store/registry-file.js';
import type { Message } from '../model/messages.js';
import type { UiAction } from '../model/state.js';
import { dataProblem, scannerNote } from '../ui/frame-text.js';
import type { DashboardData } from './use-dashboard-data.js';

export interface ShownMessage {
  /** On the message line now. */
  readonly shown: Message | undefined;
  /** The last message there was, for `m` once the line is empty. */
  readonly last: Message | undefined;
}

export function useShownMessage(
  message: Message | undefined,
  data: DashboardData,
  dispatch: Dispatch<UiAction>,
): ShownMessage {
  // What the registry says now, by content: a re-read of an unchanged file (a refresh, the
  // watcher's first read) yields a new object with the same text and must not count as a
  // change. Undefined until the first read: an error shown before it is stamped by it.
  const registryState = data.view?.registry;
  const { registryError } = data;
  const registry = useMemo(() => {
    if (registryError !== undefined) {
      return `unreadable: ${registryError instanceof Error ? registryError.message : String(registryError)}`;
    }
    return registryState === undefined ? undefined : `read: ${serializeRegistry(registryState)}`;
  }, [registryState, registryError]);
  useEffect(() => {
    if (message?.tone !== 'error' || registry === undefined) return;
    if (message.shownWith === undefined) dispatch({ type: 'messageShown', registry });
    else if (message.shownWith !== registry) dispatch({ type: 'registryChanged' });
  }, [message, registry, dispatch]);

  const shown =
    message?.tone === 'error' ? message : (dataProblem(data) ?? message ?? scannerNote(data.view));
  const last = useRef<Message | undefined>(undefined);
  useEffect(() => {
    if (shown !== undefined) last.current = shown;
  });
  return { shown, last: shown ?? last.current };
}
