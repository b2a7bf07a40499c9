// `docker build` through the engine API, turning the build's output stream into progress
// (the current Dockerfile step) and its errors into exceptions with the builder's words.
import { ImageBuildError } from '../errors.js';
import type Docker from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { noProgress, type ProgressSink, progressTask } from '../progress.js';

/**
 * The walls of a lab image build: a lab's Dockerfile is code. No network unless the lab is
 * trusted for it, memory without swap and CPU capped, a deadline. (The engine's build API has no
 * process limit; the memory cap and the deadline bound a fork bomb instead.)
 */
export interface BuildLimits { network: boolean; memoryMb: number; cpus: number; timeoutMs: number }

export const LAB_BUILD_LIMITS: Omit<BuildLimits, 'network'> = { memoryMb: 1024, cpus: 2, timeoutMs: 10 * 60_000 };

interface BuildMessage { stream?: string; error?: string; errorDetail?: { message?: string }; aux?: { ID?: string } }

export async function buildImage(
  docker: Docker, context: NodeJS.ReadableStream, tag: string, labels: Record<string, string>,
  sink: ProgressSink = noProgress, taskName = `image ${tag}`, limits?: BuildLimits,
): Promise<string> {
  const task = progressTask(sink, taskName);
  task.update('sending build context');
  const abort = new AbortController();
  const walls = limits ? {
    networkmode: limits.network ? 'default' : 'none',
    memory: limits.memoryMb * 1024 * 1024, memswap: limits.memoryMb * 1024 * 1024,
    cpuperiod: 100_000, cpuquota: Math.round(limits.cpus * 100_000),
    abortSignal: abort.signal,
  } : {};
  const stream = await docker.buildImage(context, { t: tag, labels, rm: true, forcerm: true, pull: false, ...walls });
  const log: string[] = [];
  let imageId = '';
  // Closing the connection cancels the build on the engine.
  const deadline = limits ? setTimeout(() => abort.abort(), limits.timeoutMs) : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), (msg: BuildMessage) => {
        if (msg.error) {
          reject(new Error(msg.errorDetail?.message ?? msg.error));
          return;
        }
        if (msg.aux?.ID) imageId = msg.aux.ID;
        const text = msg.stream?.trim();
        if (!text) return;
        log.push(text);
        const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(text);
        if (step) task.update(`step ${step[1]}/${step[2]}: ${step[3]}`, { current: Number(step[1]) - 1, total: Number(step[2]) });
        const built = /^Successfully built ([0-9a-f]+)$/.exec(text);
        if (built && !imageId) imageId = built[1]!;
      });
    });
  } catch (err) {
    task.failed('build failed');
    const why = abort.signal.aborted ? `it took longer than ${limits!.timeoutMs / 60_000} minutes`
      : diskFullInBuild(log) ?? (err as Error).message;
    throw new ImageBuildError(tag, why, log.join('\n'));
  } finally {
    clearTimeout(deadline);
  }
  task.done('built');
  return imageId || (await docker.getImage(tag).inspect()).Id;
}

/**
 * A build step that failed for want of space says so only in its output ("dd: error writing
 * '/x': No space left on device"), while the engine reports just its exit code: the reason, in words.
 */
export function diskFullInBuild(log: string[]): string | undefined {
  const line = log.find((l) => /no space left on device/i.test(l));
  if (!line) return undefined;
  const path = /'([^']+)'|"([^"]+)"/.exec(line);
  const where = path ? ` writing ${path[1] ?? path[2]}` : '';
  return `the disk filled up: no space left on device${where} in a build step (the Docker engine's disk, or a size-limited ` +
    'folder of the build such as /dev/shm); nothing of this build was kept: free space on the engine ' +
    '(labvisor gc --images removes unused lab images) or make the step write less, then start again';
}

/** Builds from a Dockerfile given as text, with an empty context. */
export async function buildFromDockerfileText(
  docker: Docker, dockerfile: string, tag: string, labels: Record<string, string>, sink?: ProgressSink,
): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mtime: new Date(0) }, dockerfile);
  tar.finalize();
  return buildImage(docker, asNodeStream(tar), tag, labels, sink);
}

/** tar-stream packs are streamx streams: they pipe like Node streams but are typed apart. */
export function asNodeStream(tar: Pack): NodeJS.ReadableStream {
  return tar as unknown as NodeJS.ReadableStream;
}
