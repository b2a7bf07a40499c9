// Publishes a lab's container ports on 127.0.0.1 without giving the lab a route out. Docker
// cannot publish a port of a container on an `--internal` network, and moving the machine to a
// routed network would hand the lab the internet. So a small relay container of our own (busybox
// nc, one forked relay per connection) sits on both the session's internal network and its
// routed egress network, and only it publishes. The lab's machines stay internal.
import type Docker from 'dockerode';
import { BASE_IMAGE } from '../images/base-image.js';
import { explain } from '../error-words.js';

/** The relay's own ports start here, one per published port (two machines may both expose 80). */
const RELAY_FIRST_PORT = 20000;

export interface PublishedPort { machine: string; container: number; host?: number }

export interface RelaySpec {
  name: string;
  ports: PublishedPort[];
  labNetwork: string;
  egressNetwork: string;
  labels: Record<string, string>;
}

export function relayCommand(ports: PublishedPort[]): string[] {
  const relays = ports.map((p, i) => `nc -ll -p ${RELAY_FIRST_PORT + i} -e nc ${p.machine} ${p.container} &`);
  return ['sh', '-c', `${relays.join('\n')}\nwait`];
}

export function relayContainerSpec(spec: RelaySpec): Docker.ContainerCreateOptions {
  const key = (i: number) => `${RELAY_FIRST_PORT + i}/tcp`;
  return {
    name: spec.name,
    Image: BASE_IMAGE,
    Cmd: relayCommand(spec.ports),
    Labels: spec.labels,
    ExposedPorts: Object.fromEntries(spec.ports.map((_, i) => [key(i), {}])),
    HostConfig: {
      Init: true,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: 32 * 1024 * 1024,
      MemorySwap: 32 * 1024 * 1024,
      PidsLimit: 128,
      NetworkMode: spec.egressNetwork,
      PortBindings: Object.fromEntries(spec.ports.map((p, i) => [key(i), [{ HostIp: '127.0.0.1', HostPort: p.host ? String(p.host) : '' }]])),
    },
  };
}

/**
 * Creates the relay, joins it to the lab's network (to reach the machines by name) and starts it.
 * A fixed port already taken on the Docker host (checked beforehand only when that is this
 * computer) fails the start with the port and machine named (engine-error-words.ts).
 */
export async function startPortRelay(docker: Docker, spec: RelaySpec): Promise<void> {
  const container = await docker.createContainer(relayContainerSpec(spec));
  await docker.getNetwork(spec.labNetwork).connect({ Container: container.id });
  await container.start().catch((err: unknown) => { throw explain(err, { ports: spec.ports }); });
}
