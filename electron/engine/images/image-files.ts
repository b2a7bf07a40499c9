// Reading files out of an image without running it: a container is created (never started),
// read through the archive API and removed. Works with any engine, local or remote.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { helperLabels } from '../labels.js';

/** Runs fn with a created, never started container of `image`, removed afterwards. */
export async function withCreatedContainer<T>(docker: Docker, image: string, fn: (c: Docker.Container) => Promise<T>): Promise<T> {
  // An image FROM scratch has no command, and create needs one; it never runs.
  const container = await docker.createContainer({ Image: image, Cmd: ['/none'], Labels: helperLabels(), NetworkDisabled: true });
  try {
    return await fn(container);
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

/** The contents of one regular file in a container's filesystem. */
export async function readContainerFile(container: Docker.Container, path: string): Promise<Buffer> {
  const archive = await container.getArchive({ path }) as Readable;
  const tar = extract();
  archive.on('error', (err) => tar.destroy(err));
  archive.pipe(tar as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of tar) {
      if (entry.header.type !== 'file') throw new Error(`${path} is a ${entry.header.type}, not a file`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    throw new Error(`${path}: the engine sent an empty archive`);
  } finally {
    archive.destroy();
  }
}

/** The names in one directory of a container's filesystem. */
export async function listContainerDir(container: Docker.Container, dir: string): Promise<string[]> {
  const archive = await container.getArchive({ path: dir }) as Readable;
  const tar = extract();
  archive.on('error', (err) => tar.destroy(err));
  archive.pipe(tar as unknown as NodeJS.WritableStream);
  const names: string[] = [];
  for await (const entry of tar) {
    // Entries are named from the directory itself: "boot/", "boot/vmlinuz-6.1.0".
    const parts = entry.header.name.split('/').filter(Boolean);
    if (parts.length === 2) names.push(parts[1]!);
    entry.resume();
  }
  return names;
}
