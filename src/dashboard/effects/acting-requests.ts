// Performs the acting requests (detail, kill, copy, open) for use-requests.ts. The process
// inspector and the kill control come through the dashboard's deps, the terminal writer and
// the browser opener as ports: components never load a native backend themselves.
import type { Dispatch } from 'react';
import type { Deps } from '../../core/actions/index.js';
import { killPort } from '../../core/actions/kill.js';
import type { OpenOutcome } from '../../os/shared/open-url.js';
import type { ActingRequest, UiAction } from '../model/state.js';
import { osc52 } from '../terminal/clipboard.js';

/** The outside world the acting keys reach, injected so tests can watch it. */
export interface ActingPorts {
  /** Writes an escape sequence to the terminal, outside Ink's frames (OSC 52). */
  readonly writeTerminal?: (sequence: string) => void;
  /** Inside tmux: OSC 52 is also sent wrapped for tmux's passthrough. */
  readonly tmux?: boolean;
  readonly openUrl?: (url: string) => Promise<OpenOutcome>;
}

export function performActing(
  request: ActingRequest,
  deps: Deps,
  dispatch: Dispatch<UiAction>,
  ports: ActingPorts,
  refresh: () => void,
): void {
  const fail = (error: unknown) => dispatch({ type: 'failed', error });
  const warn = (text: string) => dispatch({ type: 'notify', message: { tone: 'warning', text } });
  switch (request.kind) {
    case 'detail': {
      const { pid } = request;
      if (!deps.inspector) {
        dispatch({ type: 'detailFailed', pid, reason: 'process details are not available here' });
        return;
      }
      deps.inspector.detail(pid).then(
        (detail) =>
          dispatch({
            type: 'detailLoaded',
            pid,
            ...(detail ? { detail } : {}),
            ...(deps.control?.self.uid !== undefined ? { selfUid: deps.control.self.uid } : {}),
          }),
        (error: unknown) =>
          dispatch({
            type: 'detailFailed',
            pid,
            reason: error instanceof Error ? error.message : String(error),
          }),
      );
      return;
    }
    case 'kill': {
      const control = deps.control;
      if (!control) {
        warn('pm cannot signal processes here');
        return;
      }
      const { target } = request;
      // A question that named another user's process by its owner was asked: y is the consent
      // `pm kill --force` gives. Before the owner is read, pm as root still refuses.
      const agreed =
        target.containerId !== undefined
          ? { expectContainer: target.containerId }
          : {
              ...(target.pid !== undefined ? { expectPid: target.pid } : {}),
              ...(target.owner !== undefined ? { consent: { force: true } } : {}),
            };
      killPort(
        {
          scanner: deps.scanner,
          control,
          ...(deps.containers ? { containers: deps.containers } : {}),
          ...(deps.processes ? { session: deps.processes } : {}),
        },
        target.port,
        agreed,
      )
        .then((result) => {
          const owners = new Map(
            target.owner !== undefined && target.pid !== undefined
              ? [[target.pid, target.owner]]
              : [],
          );
          dispatch({ type: 'killed', result, owners });
        }, fail)
        // The row turns idle (or shows who holds the port now) without waiting for the timer.
        .finally(refresh);
      return;
    }
    case 'copy':
      if (!ports.writeTerminal) {
        warn('no terminal to copy through');
        return;
      }
      ports.writeTerminal(osc52(request.url, ports.tmux === true));
      dispatch({ type: 'copied', url: request.url });
      return;
    case 'open': {
      const { url } = request;
      if (!ports.openUrl) {
        dispatch({ type: 'opened', url, ok: false, reason: 'no browser opener here' });
        return;
      }
      ports
        .openUrl(url)
        .then(
          (outcome) =>
            dispatch(
              outcome.ok
                ? { type: 'opened', url, ok: true }
                : { type: 'opened', url, ok: false, reason: outcome.reason },
            ),
          fail,
        );
      return;
    }
  }
}
