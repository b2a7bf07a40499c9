// `docker build` through the engine API, turning the build's output stream into progress
// (the current Dockerfile step) and its errors into exceptions with the builder's words.
import { ImageBuildError } from '../errors.js';
import type Docker from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { noProgress, type ProgressSink, progressTask } from '../progress.js';

interface BuildMessage { stream?: string; error?: string; errorDetail?: { message?: string }; aux?: { ID?: string } }

export async function buildImage(
  docker: Docker, context: NodeJS.ReadableStream, tag: string, labels: Record<string, string>,
  sink: ProgressSink = noProgress, taskName = `image ${tag}`,
): Promise<string> {
  const task = progressTask(sink, taskName);
  task.update('sending build context');
  const stream = await docker.buildImage(context, { t: tag, labels, rm: true, forcerm: true, pull: false });
  const log: string[] = [];
  let imageId = '';
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
    throw new ImageBuildError(tag, (err as Error).message, log.join('\n'));
  }
  task.done('built');
  return imageId || (await docker.getImage(tag).inspect()).Id;
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
