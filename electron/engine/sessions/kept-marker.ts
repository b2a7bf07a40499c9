// A session left running on purpose (`run --keep`) says so on the engine, not only in the data dir
// that made it: an empty volume labelled with the session and the role `kept`. Any gc — another
// data dir, another user's client of a shared engine — then sees it and spares the session, and
// `labvisor stop ID` removes the marker with the session's other volumes.
import type Docker from 'dockerode';
import { LABEL, labelsFor } from '../labels.js';
import { keptMarkerName } from './names.js';

export async function markKeptOnEngine(docker: Docker, lab: string, session: string): Promise<void> {
  await docker.createVolume({ Name: keptMarkerName(session), Labels: labelsFor(lab, session, 'kept') });
}

/** Whether a volume's labels make it a session's kept marker. */
export const isKeptMarker = (labels: Record<string, string> | undefined | null): boolean => labels?.[LABEL.role] === 'kept';

/** The ids of the sessions marked kept on the engine. */
export async function keptOnEngine(docker: Docker): Promise<Set<string>> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABEL.role}=kept`] } });
  return new Set((Volumes ?? []).map((v) => v.Labels?.[LABEL.session]).filter((id): id is string => !!id));
}
