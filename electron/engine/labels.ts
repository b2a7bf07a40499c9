// Labels every Docker resource Labvisor creates carries, so gc can find and judge them.
import { currentOwner, formatOwner } from './owner.js';

export const LABEL = {
  lab: 'io.labvisor.lab',
  session: 'io.labvisor.session',
  owner: 'io.labvisor.owner',
  /** What the resource is for: machine, host-view (the Docker host view), volume, network, image, helper, base, kept. */
  role: 'io.labvisor.role',
} as const;

/** `kept`: the empty volume that marks a session left running on purpose (sessions/kept-marker.ts). */
export type Role = 'machine' | 'host-view' | 'volume' | 'network' | 'image' | 'helper' | 'base' | 'kept';

export function labelsFor(lab: string, session: string, role: Role): Record<string, string> {
  return {
    [LABEL.lab]: lab,
    [LABEL.session]: session,
    [LABEL.owner]: formatOwner(currentOwner()),
    [LABEL.role]: role,
  };
}

/**
 * Labels of a lab image: the lab and the role only. An image is a cache shared by sessions, and
 * containers inherit their image's labels: a session's or owner's label here would mark a
 * container a learner runs from it as another (maybe ended) session's, for gc to take.
 */
export function imageLabels(lab: string): Record<string, string> {
  return { [LABEL.lab]: lab, [LABEL.role]: 'image' };
}

/** Labels of the engine's own short-lived helpers outside a session (doctor, kernel and guest builds). */
export function helperLabels(): Record<string, string> {
  return { [LABEL.owner]: formatOwner(currentOwner()), [LABEL.role]: 'helper' };
}
