// Which host sockets are a container's published ports, and how a container is named.
// Pure: the scan and the engine's listing come in, listeners that carry their container go out.
import type { EngineContainer, Listener, ListenerContainer, PublishedPort } from '../ports.js';
import { processLabel } from './program.js';

/**
 * Processes that hold host ports on a container engine's behalf: Docker's userland proxy,
 * rootless Docker's and Podman's port forwarders, Docker Desktop's backend (macOS, Windows).
 * Signalling one breaks the engine's networking instead of stopping the container.
 */
const FORWARDERS = [
  'docker-proxy',
  'rootlessport',
  'rootlessport-child',
  'rootlesskit',
  'pasta',
  'pasta.avx2',
  'slirp4netns',
  'com.docker.backend',
  'com.docker.vpnkit',
  'vpnkit-bridge',
  'gvproxy',
];
/** Linux cuts a process's name to 15 bytes ('com.docker.back'). */
const LINUX_NAME_BYTES = 15;

export function isForwarder(processName: string | undefined): boolean {
  if (processName === undefined) return false;
  const name = processName.toLowerCase().replace(/\.exe$/, '');
  return FORWARDERS.some(
    (known) => known === name || (name.length === LINUX_NAME_BYTES && known.startsWith(name)),
  );
}

/**
 * Whether the engine should be asked about this listener: its process is a forwarder, or the
 * OS hides its pid (a root forwarder seen by a user) on a port whose owner was looked up.
 */
export function mayBeContainer(listener: Listener, ownerLookedUp: boolean): boolean {
  return isForwarder(listener.process) || (ownerLookedUp && listener.pid === undefined);
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);

function publishing(
  containers: readonly EngineContainer[],
  listener: Listener,
): { container: EngineContainer; port: PublishedPort }[] {
  const found: { container: EngineContainer; port: PublishedPort }[] = [];
  for (const container of containers) {
    for (const port of container.ports) {
      if (port.publicPort === listener.port && port.protocol === listener.protocol) {
        found.push({ container, port });
      }
    }
  }
  return found;
}

/**
 * The container behind a listener: the one publishing its port and protocol on its address,
 * else on every address; else the only one publishing that port at all (a forwarder may bind
 * another address than the mapping names).
 */
export function containerOf(
  listener: Listener,
  containers: readonly EngineContainer[],
): ListenerContainer | undefined {
  const candidates = publishing(containers, listener);
  const match =
    candidates.find(({ port }) => port.ip === listener.address) ??
    candidates.find(({ port }) => WILDCARDS.has(port.ip ?? '')) ??
    (new Set(candidates.map(({ container }) => container.id)).size === 1
      ? candidates[0]
      : undefined);
  if (match === undefined) return undefined;
  const { container, port } = match;
  return {
    id: container.id,
    name: container.name,
    image: container.image,
    ...(container.composeProject !== undefined ? { composeProject: container.composeProject } : {}),
    ...(container.composeService !== undefined ? { composeService: container.composeService } : {}),
    privatePort: port.privatePort,
  };
}

/** The scan with each forwarder's (or hidden owner's) listener naming its container. */
export function attachContainers(
  listeners: readonly Listener[],
  containers: readonly EngineContainer[],
  ownerLookedUp: (port: number) => boolean,
): Listener[] {
  return listeners.map((listener) => {
    if (!mayBeContainer(listener, ownerLookedUp(listener.port))) return listener;
    const container = containerOf(listener, containers);
    return container === undefined ? listener : { ...listener, container };
  });
}

/** `container web-1 (postgres:16)`: how every front end names a container. */
export function containerLabel(container: Pick<ListenerContainer, 'name' | 'image'>): string {
  return `container ${container.name} (${container.image})`;
}

/** The short id the engine's own CLI shows. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * Who holds a socket, as the PROCESS column and messages say it: the container, never the
 * forwarder; otherwise the program and its executable (`vite (node)`).
 */
export function holderLabel(
  listener: Pick<Listener, 'process' | 'container'> & { readonly program?: string },
): string | undefined {
  if (listener.container) return containerLabel(listener.container);
  return processLabel(listener.process, listener.program);
}
