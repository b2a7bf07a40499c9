// Built-in probes: facts about engine state a check can assert without a script.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import type { ProbeCheck } from '../labs/schema.js';
import { runHelper } from '../machines/helper-container.js';

export interface ProbeContext {
  docker: Docker;
  containerName(machine: string): string;
  volumeName(volume: string): string;
  imageRef(image: string): string;
  helperLabels: Record<string, string>;
}

/** A probe's finding: whether it holds, and a sentence for either case. */
interface Finding { holds: boolean; yes: string; no: string }

async function inspectOrUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

async function probe(ctx: ProbeContext, p: ProbeCheck): Promise<Finding> {
  switch (p.probe) {
    case 'container-running': {
      const c = await inspectOrUndefined(() => ctx.docker.getContainer(ctx.containerName(p.machine)).inspect());
      const state = c ? c.State.Status : 'missing';
      return { holds: c?.State.Running === true, yes: `machine "${p.machine}" is running`, no: `machine "${p.machine}" is not running (${state})` };
    }
    case 'container-image': {
      const [c, img] = await Promise.all([
        inspectOrUndefined(() => ctx.docker.getContainer(ctx.containerName(p.machine)).inspect()),
        inspectOrUndefined(() => ctx.docker.getImage(ctx.imageRef(p.image)).inspect()),
      ]);
      const runs = c ? c.Config.Image : 'no container';
      return {
        holds: !!c && !!img && c.Image === img.Id,
        yes: `machine "${p.machine}" runs image ${p.image}`,
        no: `machine "${p.machine}" does not run image ${p.image} (it runs ${runs})`,
      };
    }
    case 'volume-exists': {
      const v = await inspectOrUndefined(() => ctx.docker.getVolume(ctx.volumeName(p.volume)).inspect());
      return { holds: !!v, yes: `volume "${p.volume}" exists`, no: `volume "${p.volume}" does not exist` };
    }
    case 'image-exists': {
      const img = await inspectOrUndefined(() => ctx.docker.getImage(ctx.imageRef(p.image)).inspect());
      return { holds: !!img, yes: `image ${p.image} exists`, no: `image ${p.image} does not exist` };
    }
    case 'volume-file':
      return volumeFile(ctx, p);
  }
}

async function volumeFile(ctx: ProbeContext, p: Extract<ProbeCheck, { probe: 'volume-file' }>): Promise<Finding> {
  const where = `${p.path} in volume "${p.volume}"`;
  const volume = ctx.volumeName(p.volume);
  if (!(await inspectOrUndefined(() => ctx.docker.getVolume(volume).inspect()))) {
    return { holds: false, yes: '', no: `volume "${p.volume}" does not exist` };
  }
  const run = await runHelper(ctx.docker, {
    cmd: ['cat', `/volume/${p.path}`], labels: ctx.helperLabels, mounts: [{ volume, target: '/volume' }],
  });
  if (run.exitCode !== 0) return { holds: false, yes: '', no: `${where} cannot be read: ${run.stderr.trim() || `exit ${run.exitCode}`}` };
  const text = run.stdout;
  const failures: string[] = [];
  if (p.equals !== undefined && text !== p.equals) failures.push('its content differs');
  if (p.contains !== undefined && !text.includes(p.contains)) failures.push(`it does not contain "${p.contains}"`);
  if (p.sha256 !== undefined && createHash('sha256').update(text).digest('hex') !== p.sha256) failures.push('its checksum differs');
  const lines = text.split('\n').filter((l) => l.length > 0).length;
  if (p.minLines !== undefined && lines < p.minLines) failures.push(`it has ${lines} lines, fewer than ${p.minLines}`);
  return { holds: failures.length === 0, yes: `${where} is as expected`, no: `${where}: ${failures.join('; ')}` };
}

/** Runs a probe; with `not`, it passes when the finding does not hold. */
export async function runProbe(ctx: ProbeContext, p: ProbeCheck): Promise<{ ok: boolean; message: string }> {
  const f = await probe(ctx, p);
  const ok = p.not ? !f.holds : f.holds;
  return { ok, message: f.holds ? f.yes : f.no };
}
