// What `labvisor lens images|volumes` know of a session that another process runs (`run --keep`,
// the app): the app asks its own LabSession (host-common/lens-host.ts); from outside, the lab
// comes from the session's record on disk and its lab images from the containers it runs.
// A lab image no container of the session runs (yet) is not shown from outside.
import type Docker from 'dockerode';
import { labImagePrefix } from '../../engine/images/lab-images.js';
import { LABEL } from '../../engine/labels.js';
import { loadLab } from '../../engine/labs/load.js';
import { sessionPrefix } from '../../engine/sessions/names.js';
import { readRecords } from '../../engine/sessions/registry.js';
import { UsageError } from '../output.js';

export interface LensSession {
  id: string;
  lab: string;
  /** The lab's named volumes, as lab.yaml declares them. */
  volumes: string[];
  /** The lab images the session's containers run (their names start with labImagePrefix). */
  labImageRefs: string[];
}

export async function lensSession(docker: Docker, id: string): Promise<LensSession> {
  const record = (await readRecords()).find((r) => r.id === id);
  if (!record) throw new UsageError(`no session "${id}" on this computer (\`labvisor ps\` lists them)`);
  const { lab } = await loadLab(record.labDir);
  // Labelled ones, and those the learner ran under the session's names (volume-backup's app, run again by hand).
  const [labelled, named] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [`${LABEL.session}=${id}`] } }),
    docker.listContainers({ all: true, filters: { name: [`^/${sessionPrefix(id)}-`] } }),
  ]);
  const ownImage = labImagePrefix(lab.id);
  return {
    id, lab: lab.id,
    volumes: (lab.volumes ?? []).map((v) => v.name),
    labImageRefs: [...new Set([...labelled, ...named].map((c) => c.Image).filter((ref) => ref.startsWith(ownImage)))],
  };
}
