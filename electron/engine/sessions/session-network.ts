// A session's networks and volumes, made before its machines' containers: one network with no
// route out for the lab's machines, a routed one only when a machine may go out or ports are
// published (through the relay, port-publisher.ts), and the lab's named volumes.
import type Docker from 'dockerode';
import type { Lab } from '../labs/schema.js';
import { labelsFor } from '../labels.js';
import type { PublishedPort } from '../machines/port-publisher.js';
import { egressNetworkName, networkName, volumeName } from './names.js';

/** Ports the lab's containers and VMs publish, through the relay (port-publisher.ts). */
export function publishedPorts(lab: Lab): PublishedPort[] {
  return lab.machines.flatMap((m) => {
    if (m.kind === 'container') return (m.ports ?? []).map((p) => ({ machine: m.name, container: p.container, ...(p.host ? { host: p.host } : {}) }));
    if (m.kind === 'vm') return (m.ports ?? []).map((p) => ({ machine: m.name, container: p.guest, ...(p.host ? { host: p.host } : {}) }));
    return [];
  });
}

function needsEgress(lab: Lab): boolean {
  return publishedPorts(lab).length > 0 || lab.machines.some((m) => (m.kind === 'container' || m.kind === 'vm') && m.outbound);
}

export async function createNetworkAndVolumes(docker: Docker, lab: Lab, session: string): Promise<void> {
  // The lab's machines share one network with no route out; only trusted outbound machines
  // and our port relay also join a routed one.
  await docker.createNetwork({
    Name: networkName(session), Driver: 'bridge', Internal: true, Labels: labelsFor(lab.id, session, 'network'),
  });
  if (needsEgress(lab)) {
    await docker.createNetwork({
      Name: egressNetworkName(session), Driver: 'bridge', Internal: false, Labels: labelsFor(lab.id, session, 'network'),
    });
  }
  await Promise.all((lab.volumes ?? []).map((v) =>
    docker.createVolume({ Name: volumeName(session, v.name), Labels: labelsFor(lab.id, session, 'volume') })));
}
