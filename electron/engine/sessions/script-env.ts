// The environment lab scripts see (documented in docs/lab-format.md, "Scripts' environment").
import type { Lab } from '../labs/schema.js';
import { BASE_IMAGE } from '../images/base-image.js';
import type { LabImages } from '../images/lab-images.js';
import { containerName, envName, networkName, volumeName } from './names.js';

/** What every machine is told of its lab, also in a container's own environment. */
export function sessionIdentity(lab: Lab, session: string): Record<string, string> {
  return { LAB_ID: lab.id, LAB_SESSION: session };
}

/** `hostBootId`: the boot id of the kernel the engine's containers run on. */
export function machineEnv(lab: Lab, session: string, hostBootId: string): Record<string, string> {
  return { ...sessionIdentity(lab, session), LAB_HOST_BOOT_ID: hostBootId };
}

/** The shells that drive the engine (the Docker host view, the learner's computer) get the names of everything. */
export function driverEnv(lab: Lab, session: string, hostBootId: string, images: LabImages): Record<string, string> {
  const env: Record<string, string> = {
    ...machineEnv(lab, session, hostBootId),
    LAB_NETWORK: networkName(session),
    LAB_BASE_IMAGE: BASE_IMAGE,
  };
  for (const m of lab.machines) if (m.kind === 'container') env[`LAB_MACHINE_${envName(m.name)}`] = containerName(session, m.name);
  for (const v of lab.volumes ?? []) env[`LAB_VOLUME_${envName(v.name)}`] = volumeName(session, v.name);
  for (const [name, ref] of Object.entries(images)) env[`LAB_IMAGE_${envName(name)}`] = ref;
  return env;
}
