// How the UI names each kind of machine. "host" is the lenses' owner of the Docker host's own
// processes; the rest are the lab machine kinds.
import type { MachineKind, OwnerKind } from '../../../electron/shared/api.js';

export type ShownKind = MachineKind | OwnerKind;

/** A tab's or a chip's short word. */
export const KIND_LABEL: Record<ShownKind, string> = {
  container: 'container', vm: 'VM', 'docker-host': 'Docker host', 'learner-computer': 'your computer', host: 'Docker host',
};

/** What the machine is, in a sentence's words (the start panel). */
export const KIND_DESCRIPTION: Record<MachineKind, string> = {
  container: 'Docker container', vm: 'QEMU microVM',
  'docker-host': 'a shell on the Docker host, the machine whose kernel the containers share',
  'learner-computer': 'a shell on your own computer',
};
