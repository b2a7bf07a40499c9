// The volume lens: what a session's volume holds (files and sizes, read by a locked-down helper
// that mounts it read-only) and the backups taken of it (archives in the session's work folder,
// where the labs' host steps write them), each with how many of the volume's files it really
// holds — a container export, however big, holds none of them.
import type Docker from 'dockerode';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { runHelper } from '../machines/helper-container.js';
import { labelsFor } from '../labels.js';
import { volumeName } from '../sessions/names.js';

export interface VolumeFile { path: string; sizeBytes: number }
export interface Backup {
  file: string;
  sizeBytes: number;
  modified: string;
  /** How many of the volume's files the archive holds (tar and tar.gz): a container export holds none. */
  holdsVolumeFiles?: number;
}

export interface VolumeLens {
  volume: string;
  /** The Docker volume's name (lv-<session>-<volume>). */
  dockerName: string;
  exists: boolean;
  files: VolumeFile[];
  totalBytes: number;
  backups: Backup[];
}

/** Files listed at most: a lens, not a file manager. */
const MAX_FILES = 500;
const LIST = `cd /v && find . -type f | head -n ${MAX_FILES} | while read -r f; do echo "$(stat -c %s "$f") \${f#./}"; done`;

export function parseFileList(text: string): VolumeFile[] {
  return text.split('\n').flatMap((line) => {
    const m = /^(\d+) (.+)$/.exec(line.trim());
    return m ? [{ path: m[2]!, sizeBytes: Number(m[1]) }] : [];
  }).sort((a, b) => a.path.localeCompare(b.path));
}

const ARCHIVE = /\.(tar|tgz|tar\.gz|tar\.xz|tar\.zst|zip)$/i;
const READABLE = /\.(tar|tgz|tar\.gz)$/i;

/** The file names in a tar or tar.gz archive, without a leading `./`. */
async function archiveEntries(file: string): Promise<string[]> {
  const names: string[] = [];
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    names.push(header.name.replace(/^\.\//, ''));
    stream.on('end', next);
    stream.resume();
  });
  const gz = /\.(tgz|gz)$/i.test(file);
  await (gz ? pipeline(createReadStream(file), createGunzip(), tar) : pipeline(createReadStream(file), tar));
  return names;
}

/** Volume files found in the archive, at its top (a volume backup) or under a mount path (`data/records.txt`). */
export function countHeld(entries: string[], files: VolumeFile[]): number {
  return files.filter((f) => entries.some((e) => e === f.path || e.endsWith(`/${f.path}`))).length;
}

export async function volumeLens(docker: Docker, lab: string, session: string, volume: string, workdir: string): Promise<VolumeLens> {
  const dockerName = volumeName(session, volume);
  const exists = await docker.getVolume(dockerName).inspect().then(() => true, () => false);
  const files = exists ? parseFileList((await runHelper(docker, {
    cmd: ['/bin/sh', '-c', LIST], labels: labelsFor(lab, session, 'helper'), mounts: [{ volume: dockerName, target: '/v' }],
  })).stdout) : [];
  const names = await readdir(workdir).catch(() => [] as string[]);
  const backups = (await Promise.all(names.filter((n) => ARCHIVE.test(n)).map(async (file): Promise<Backup | undefined> => {
    const s = await stat(join(workdir, file)).catch(() => undefined);
    if (!s?.isFile()) return undefined;
    const entries = READABLE.test(file) && files.length ? await archiveEntries(join(workdir, file)).catch(() => undefined) : undefined;
    return { file, sizeBytes: s.size, modified: s.mtime.toISOString(), ...(entries ? { holdsVolumeFiles: countHeld(entries, files) } : {}) };
  }))).filter((b): b is Backup => b !== undefined);
  return { volume, dockerName, exists, files, totalBytes: files.reduce((n, f) => n + f.sizeBytes, 0), backups };
}
