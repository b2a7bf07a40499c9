// What the host does when the Docker engine restarts under its sessions (the watch is
// engine-watch.ts). A restarted daemon has stopped every container: the machines' processes, the
// VMs' QEMU inside their runners, the terminals' execs. Resuming would mean starting each again
// in order, re-attaching the VM's console and agent, and re-doing what the learner typed, which
// was in memory that is gone. So the session ends cleanly instead: what is left of it is removed
// from the engine, the checks' marks it earned are forgotten (they were true of machines that no
// longer exist), and the player offers to start over and catch up to the step the learner was on.
import type Docker from 'dockerode';
import type { EngineStatus } from '../shared/api.js';
import { LABEL } from '../engine/labels.js';
import { forgetChecked, readProgress, writeProgress } from '../engine/learner-progress.js';
import { findSessionResources, removeSessionResources } from '../engine/sessions/cleanup.js';
import type { LabSession } from '../engine/sessions/lab-session.js';
import { ENGINE_DOWN_MESSAGE, EngineWatch } from './engine-watch.js';

export const ENGINE_RESTARTED = 'The Docker engine restarted and stopped this lab\'s machines with it; what was left of them is removed. Start the lab again to carry on from your step.';

/** What the host lends the watch: its sessions, how it stops one, and where events go. */
export interface RestartHost {
  /** The sessions that are live now (not stopping or stopped). */
  live(): LabSession[];
  /** Still the host's: stop it as Stop does, saying why. */
  has(session: LabSession): boolean;
  end(session: LabSession, why: string): Promise<void>;
  emit(engine: EngineStatus): void;
  log(line: string): void;
}

/** A watch of `docker` for `host`: "down" with the sessions live then; once "up", each of them ended. */
export function watchEngineFor(docker: Docker, host: RestartHost, active: () => boolean): EngineWatch {
  let caught: LabSession[] = [];
  return new EngineWatch({
    ping: () => docker.ping(),
    events: () => docker.getEvents({ filters: { label: [LABEL.session] } }),
  }, {
    active,
    onDown: (why) => {
      caught = host.live();
      host.log(`the Docker engine stopped answering (${why}); ${caught.length} session(s) wait for it`);
      host.emit({ state: 'down', message: ENGINE_DOWN_MESSAGE });
    },
    onUp: async (downMs) => {
      const sessions = caught;
      caught = [];
      host.log(`the Docker engine answers again after ${downMs} ms: ending ${sessions.length} session(s) whose machines stopped with it`);
      await Promise.all(sessions.map((s) => endOne(docker, host, s)));
      host.emit({
        state: 'up', ended: sessions.map((s) => s.id),
        message: sessions.length ? 'The Docker engine is back. It stopped this lab\'s machines: start the lab again.' : 'The Docker engine is back.',
      });
    },
  });
}

async function endOne(docker: Docker, host: RestartHost, session: LabSession): Promise<void> {
  try {
    // Stopped meanwhile (Stop pressed while the engine was down, which could not remove anything): by labels, now.
    if (host.has(session)) await host.end(session, ENGINE_RESTARTED);
    else {
      const errors = await removeSessionResources(docker, await findSessionResources(docker, session.id));
      if (errors.length) throw new Error(errors.join('\n'));
    }
  } catch (err) {
    host.log(`session ${session.id}: not fully removed after the engine restart: ${(err as Error).message}`);
  }
  await forgetCheckedSteps(session).catch((err: Error) => host.log(`session ${session.id}: progress not updated after the engine restart: ${err.message}`));
}

/** The marks of steps passed by a check: they were true of machines that no longer exist. */
async function forgetCheckedSteps(session: LabSession): Promise<void> {
  const checked = session.lab.steps.filter((s) => s.check !== undefined).map((s) => s.id);
  const saved = await readProgress(session.lab.id);
  const now = forgetChecked(saved, checked);
  if (now.passed.length !== saved.passed.length) await writeProgress(now);
}
