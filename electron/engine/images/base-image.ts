// The offline-first provider of labvisor/base, the busybox image every lab image builds FROM.
// Order: the image if present; `busybox` from a registry when one answers; a rootfs made from
// the host's static busybox with `docker import`; else a message saying what to do.
import { BaseImageUnavailableError } from '../errors.js';
import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import type { EngineInfo } from '../machines/docker-engine.js';
import { progressTask, type ProgressSink, noProgress } from '../progress.js';
import { busyboxRootfs } from './busybox-rootfs.js';
import { readElfFacts, sameArch } from './static-binary.js';
import { LABEL } from '../labels.js';
import { asNodeStream, buildFromDockerfileText } from './build-image.js';

export const BASE_IMAGE = 'labvisor/base:latest';

/**
 * The busybox a registry gives, pinned to Docker Hub's multi-arch index digest of the tag, so a
 * re-pointed tag cannot change what every lab image builds FROM. Found offline (2026-11, no
 * registry reachable) by public code search: four unrelated projects pin this same tag and
 * digest, one noting it as the index Docker Hub answered on 2026-10-03. To update:
 * `docker buildx imagetools inspect busybox:<tag>` and take its top `Digest:`.
 */
export const BUSYBOX_IMAGE = 'busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662';
export type BaseSource = 'present' | 'registry' | 'host-busybox';

const BASE_LABELS = { [LABEL.role]: 'base' };

export async function baseImagePresent(docker: Docker, ref = BASE_IMAGE): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

function busyboxCandidates(): string[] {
  const fromEnv = process.env.LABVISOR_BUSYBOX;
  return fromEnv ? [fromEnv] : ['/bin/busybox', '/usr/bin/busybox', '/usr/local/bin/busybox'];
}

/** A static busybox on this machine that can run in the engine's containers, or why none. */
export async function findHostBusybox(engine: EngineInfo): Promise<{ path?: string; why: string }> {
  if (engine.location === 'remote') return { why: 'the engine is remote, so a host binary may not suit it' };
  const seen: string[] = [];
  for (const path of busyboxCandidates()) {
    if (!existsSync(path)) continue;
    const elf = await readElfFacts(path).catch(() => undefined);
    if (!elf) seen.push(`${path} is not an ELF binary`);
    else if (!elf.isStatic) seen.push(`${path} is dynamically linked`);
    else if (!sameArch(elf.arch, engine.arch)) seen.push(`${path} is for ${elf.arch}, the engine runs ${engine.arch}`);
    else return { path, why: `static busybox at ${path}` };
  }
  return { why: seen.length ? seen.join('; ') : `no busybox found (looked in ${busyboxCandidates().join(', ')})` };
}

/** Pulls `ref`, giving up after timeoutMs: no registry must not mean a long wait. */
export async function pullImage(docker: Docker, ref: string, timeoutMs: number): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const stream = await docker.pull(ref, { abortSignal: abort.signal });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    throw new Error(abort.signal.aborted ? `no registry answered within ${timeoutMs / 1000} s` : String((err as Error).message ?? err));
  } finally {
    clearTimeout(timer);
  }
}

/** Imports a rootfs made from a static busybox as the image `ref`. */
export async function importHostBusybox(docker: Docker, busybox: string, ref = BASE_IMAGE): Promise<void> {
  const [repo, tag] = ref.split(':') as [string, string];
  const changes = [
    'CMD ["/bin/sh"]',
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...Object.entries(BASE_LABELS).map(([k, v]) => `LABEL ${k}=${v}`),
  ];
  const stream = await docker.importImage(asNodeStream(await busyboxRootfs(busybox)), { repo, tag, changes });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err, out: Array<{ error?: string }>) => {
      const failure = err ?? out?.find((o) => o.error)?.error;
      return failure ? reject(new Error(String(failure))) : resolve();
    }));
}

/** Makes sure labvisor/base (or `ref`, in tests) exists, by the first source that works. */
export async function ensureBaseImage(
  docker: Docker, engine: EngineInfo, sink: ProgressSink = noProgress, ref = BASE_IMAGE,
): Promise<BaseSource> {
  if (await baseImagePresent(docker, ref)) return 'present';
  const task = progressTask(sink, 'base image');
  const reasons: string[] = [];
  if (process.env.LABVISOR_OFFLINE !== '1') {
    task.update('pulling busybox from the registry');
    try {
      await pullImage(docker, BUSYBOX_IMAGE, 30_000);
      await buildFromDockerfileText(docker, `FROM ${BUSYBOX_IMAGE}\n`, ref, BASE_LABELS);
      task.done('pulled busybox');
      return 'registry';
    } catch (err) {
      reasons.push(`registry: ${(err as Error).message}`);
    }
  } else {
    reasons.push('registry: skipped (LABVISOR_OFFLINE=1)');
  }
  const host = await findHostBusybox(engine);
  if (host.path) {
    task.update(`importing ${host.path} (${reasons.join('; ')})`);
    try {
      await importHostBusybox(docker, host.path, ref);
      task.done(`imported ${host.path}`);
      return 'host-busybox';
    } catch (err) {
      reasons.push(`host busybox: import failed: ${(err as Error).message}`);
    }
  } else {
    reasons.push(`host busybox: ${host.why}`);
  }
  task.failed('no source for the base image');
  throw new BaseImageUnavailableError(ref, reasons);
}
