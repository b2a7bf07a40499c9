// The image of the Docker host view (machines/docker-host.ts): labvisor/base plus a docker CLI and
// a profile that says where the shell runs. Offline first, like the base image: the image if
// present; else made from this computer's own docker CLI (the one the learner already uses, when
// it is a Linux binary for the engine's CPU) with the libraries it links; else built from the
// official CLI image where a registry answers; else a message saying what to do.
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { pack } from 'tar-stream';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LabvisorError, reasonList } from '../errors.js';
import { LABEL } from '../labels.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { onPath } from '../which.js';
import { baseImagePresent, BASE_IMAGE, ensureBaseImage, pullImage } from './base-image.js';
import { asNodeStream, buildImage } from './build-image.js';
import { readElfFacts, sameArch } from './static-binary.js';

/** Bump the tag when what goes into the image changes, so old images are not reused. */
export const DOCKER_HOST_IMAGE = 'labvisor/docker-host:1';

/**
 * The official CLI image, pinned to the index digest of its tag (seen pinned alike in many public
 * projects, 2026-11). Its /usr/local/bin/docker is a static binary.
 */
export const DOCKER_CLI_IMAGE = 'docker:29.1.3-cli@sha256:4fa0ee1f3a7e4354c4ea34558b6d4ee32859baf4973d4c8ccc8e7fe3dd730c04';

export type DockerHostSource = 'present' | 'local-cli' | 'registry';

const run = promisify(execFile);
const LABELS = { [LABEL.role]: 'base' };

/** Busybox ash reads it for every login shell (terminals); scripts run without it. */
const PROFILE = `# Labvisor: this shell runs on the Docker host, in its process namespace.
PS1='[Docker host] \\w # '
[ -n "$LAB_DOCKER_HOST_BANNER" ] && printf '\\033[2m%s\\033[0m\\n' "$LAB_DOCKER_HOST_BANNER"
cd "\${LAB_WORKDIR:-/lab}" 2>/dev/null
`;

const dockerfile = (cli: string) => `FROM ${BASE_IMAGE}
${cli}
COPY profile /etc/profile
RUN mkdir -p /lab
WORKDIR /lab
`;

export class DockerHostViewUnavailableError extends LabvisorError {
  constructor(reasons: string[]) {
    super('docker-host-view-unavailable', `The Docker host view (a shell on the machine that runs the Docker engine) could not be made:\n${reasonList(reasons)}`, {
      fix: 'install the docker CLI on this computer (Debian/Ubuntu: sudo apt-get install docker.io), connect once to a registry, or load a workshop bundle.',
    });
    this.name = 'DockerHostViewUnavailableError';
  }
}

/** A docker CLI on this computer that runs on the engine's CPU, with the libraries it loads; or why not. */
export async function findLocalCli(engine: EngineInfo): Promise<{ binary?: string; libraries: string[]; why: string }> {
  if (process.platform !== 'linux') return { libraries: [], why: `this computer's docker CLI is a ${process.platform} program, not a Linux one` };
  const found = process.env.LABVISOR_DOCKER_CLI ?? await onPath('docker');
  if (!found) return { libraries: [], why: 'no docker CLI on PATH' };
  const binary = await realpath(found);
  const elf = await readElfFacts(binary).catch(() => undefined);
  if (!elf) return { libraries: [], why: `${binary} is not an ELF binary` };
  if (!sameArch(elf.arch, engine.arch)) return { libraries: [], why: `${binary} is for ${elf.arch}, the engine runs ${engine.arch}` };
  if (elf.isStatic) return { binary, libraries: [], why: `docker CLI at ${binary}` };
  // ldd prints "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and the loader's own line.
  const { stdout } = await run('ldd', [binary]).catch(() => ({ stdout: '' }));
  const libraries = [...stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
  if (!libraries.length) return { libraries: [], why: `ldd could not list the libraries of ${binary}` };
  return { binary, libraries, why: `docker CLI at ${binary}` };
}

/** Builds the image from the local CLI: its binary and libraries go in at their own paths. */
async function buildFromLocalCli(docker: Docker, ref: string, binary: string, libraries: string[], sink: ProgressSink): Promise<void> {
  const tar = pack();
  const mtime = new Date(0);
  tar.entry({ name: 'Dockerfile', mtime }, dockerfile('COPY rootfs/ /'));
  tar.entry({ name: 'profile', mtime }, PROFILE);
  tar.entry({ name: 'rootfs/usr/local/bin/docker', mode: 0o755, mtime }, await readFile(binary));
  // A library is read through its symlinks, and stored under the name the loader looks for.
  for (const lib of libraries) tar.entry({ name: `rootfs${lib}`, mode: 0o755, mtime }, await readFile(lib));
  tar.finalize();
  await buildImage(docker, asNodeStream(tar), ref, LABELS, sink, 'Docker host view image');
}

async function buildFromRegistry(docker: Docker, ref: string, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DOCKER_CLI_IMAGE, 60_000);
  const tar = pack();
  const mtime = new Date(0);
  tar.entry({ name: 'Dockerfile', mtime }, dockerfile(`COPY --from=${DOCKER_CLI_IMAGE} /usr/local/bin/docker /usr/local/bin/docker`));
  tar.entry({ name: 'profile', mtime }, PROFILE);
  tar.finalize();
  await buildImage(docker, asNodeStream(tar), ref, LABELS, sink, 'Docker host view image');
}

/** Makes sure the Docker host view's image (or `ref`, in tests) exists, by the first source that works. */
export async function ensureDockerHostImage(
  docker: Docker, engine: EngineInfo, sink: ProgressSink = noProgress, ref = DOCKER_HOST_IMAGE,
): Promise<DockerHostSource> {
  if (await baseImagePresent(docker, ref)) return 'present';
  await ensureBaseImage(docker, engine, sink);
  const task = progressTask(sink, 'Docker host view');
  const reasons: string[] = [];
  const local = await findLocalCli(engine);
  if (local.binary) {
    task.update(`adding the ${local.why}`);
    try {
      await buildFromLocalCli(docker, ref, local.binary, local.libraries, sink);
      task.done(`made from the ${local.why}`);
      return 'local-cli';
    } catch (err) {
      reasons.push(`local CLI: ${(err as Error).message}`);
    }
  } else {
    reasons.push(`local CLI: ${local.why}`);
  }
  if (process.env.LABVISOR_OFFLINE !== '1') {
    task.update('pulling the docker CLI image from the registry');
    try {
      await buildFromRegistry(docker, ref, sink);
      task.done('built from the official docker CLI image');
      return 'registry';
    } catch (err) {
      reasons.push(`registry: ${(err as Error).message}`);
    }
  } else {
    reasons.push('registry: skipped (LABVISOR_OFFLINE=1)');
  }
  task.failed('no source for the Docker host view');
  throw new DockerHostViewUnavailableError(reasons);
}
