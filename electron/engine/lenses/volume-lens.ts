// The volume lens: what a session's volume holds (files and sizes) and the backups taken of it —
// the archives in the session's other volumes (where the labs' throwaway containers write them),
// each with how many of the volume's files it really holds: a container export, however big,
// holds none of them. All of it is read on the engine, by one locked-down helper container that
// mounts the volumes read-only; nothing is read from this computer's disk.
import type Docker from 'dockerode';
import { runHelper } from '../machines/helper-container.js';
import { labelsFor } from '../labels.js';
import { volumeName } from '../sessions/names.js';
import type { VolumeLens } from '../../shared/api.js';

// The lens's shapes are the API's VolumeLens (shared/api-types.ts), which the hosts return as is.
type VolumeFile = VolumeLens['files'][number];
/**
 * An archive in the lab's other volumes: `file` is the volume's name, then its path there
 * (`backups/records.tar.gz`); `holdsVolumeFiles` how many of the volume's files it holds (tar,
 * tar.gz, tar.xz, tar.bz2): a container export holds none.
 */
type Backup = VolumeLens['backups'][number];

/** Files listed at most: a lens, not a file manager. */
const MAX_FILES = 500;
/** Archives looked at, and names read from each, at most. */
const MAX_ARCHIVES = 50;
const MAX_ENTRIES = 20_000;

/**
 * The helper's script. The volume is at /v (when it exists), the other volumes at /b/<name>.
 * Prints `F <size> <path>` per file of the volume; per archive in the others `A <size> <mtime>
 * <volume>/<path>`, then `E <name>` per name in it, or `X` when tar cannot read it.
 */
export const LENS_SCRIPT = `(set -o pipefail) 2>/dev/null && set -o pipefail
if [ -d /v ]; then
  cd /v && find . -type f | head -n ${MAX_FILES} | while read -r f; do echo "F $(stat -c %s "$f") \${f#./}"; done
fi
[ -d /b ] || exit 0
cd /b && find . -type f | while read -r f; do
  lower=$(echo "$f" | tr A-Z a-z)
  case "$lower" in
    *.tar) z= ;;
    *.tgz|*.tar.gz) z=z ;;
    *.txz|*.tar.xz) z=J ;;
    *.tbz2|*.tar.bz2) z=j ;;
    *.tar.zst|*.zip) z=- ;;
    *) continue ;;
  esac
  echo "A $(stat -c '%s %Y' "$f") \${f#./}"
  [ "$z" = - ] && continue
  tar -t\${z}f "$f" 2>/dev/null | head -n ${MAX_ENTRIES + 1} | sed 's/^/E /' || echo X
done | awk '/^A /{ if (++n > ${MAX_ARCHIVES}) exit } { print }'
`;

/** An archive as the helper lists it: a backup before it is compared with the volume. */
export interface ArchiveListing extends Omit<Backup, 'holdsVolumeFiles'> {
  /** The names in the archive, without a leading `./`; none when it could not be read or has too many to compare. */
  entries?: string[];
}

export function parseFileList(text: string): VolumeFile[] {
  return text.split('\n').flatMap((line) => {
    const m = /^(\d+) (.+)$/.exec(line.trim());
    return m ? [{ path: m[2]!, sizeBytes: Number(m[1]) }] : [];
  }).sort((a, b) => a.path.localeCompare(b.path));
}

/** Reads the helper's output (see LENS_SCRIPT): the volume's files, and the archives with the names in each. */
export function parseLensDump(text: string): { files: VolumeFile[]; archives: ArchiveListing[] } {
  const files: string[] = [];
  const archives: Array<ArchiveListing & { names: string[]; unreadable: boolean; listed: boolean }> = [];
  for (const line of text.split('\n')) {
    const kind = line.slice(0, 2);
    const rest = line.slice(2);
    if (kind === 'F ') files.push(rest);
    else if (kind === 'A ') {
      const m = /^(\d+) (\d+) (.+)$/.exec(rest);
      if (!m) continue;
      const file = m[3]!;
      archives.push({ file, sizeBytes: Number(m[1]), modified: new Date(Number(m[2]) * 1000).toISOString(), names: [], unreadable: false,
        listed: !/\.(tar\.zst|zip)$/i.test(file) });
    } else if (kind === 'E ' && archives.length) archives.at(-1)!.names.push(rest.replace(/^\.\//, ''));
    else if (line === 'X' && archives.length) archives.at(-1)!.unreadable = true;
  }
  return {
    files: parseFileList(files.join('\n')),
    archives: archives.map(({ names, unreadable, listed, ...a }) => {
      // A tar we cannot read, one we do not read (zip, zstd), or one with more names than we read: not compared.
      const readable = listed && !unreadable && names.length <= MAX_ENTRIES;
      return readable ? { ...a, entries: names } : a;
    }),
  };
}

/** Volume files found in the archive, at its top (a volume backup) or under a mount path (`data/records.txt`). */
export function countHeld(entries: string[], files: VolumeFile[]): number {
  return files.filter((f) => entries.some((e) => e === f.path || e.endsWith(`/${f.path}`))).length;
}

/**
 * The volume `volume` of a session, and the archives in its `others` (the lab's other volumes).
 * A volume that does not exist is never mounted: mounting would create it again.
 */
export async function volumeLens(docker: Docker, lab: string, session: string, volume: string, others: string[]): Promise<VolumeLens> {
  const exists = (name: string) => docker.getVolume(volumeName(session, name)).inspect().then(() => true, () => false);
  const dockerName = volumeName(session, volume);
  const [here, ...there] = await Promise.all([volume, ...others].map(exists));
  const present = others.filter((_, i) => there[i]);
  const mounts = [
    ...(here ? [{ volume: dockerName, target: '/v' }] : []),
    ...present.map((name) => ({ volume: volumeName(session, name), target: `/b/${name}` })),
  ];
  const { files, archives } = mounts.length ? parseLensDump((await runHelper(docker, {
    cmd: ['/bin/sh', '-c', LENS_SCRIPT], labels: labelsFor(lab, session, 'helper'), mounts, maxOutput: 8 << 20,
  })).stdout) : { files: [], archives: [] };
  const backups = archives.map(({ entries, ...a }): Backup =>
    ({ ...a, ...(entries && files.length ? { holdsVolumeFiles: countHeld(entries, files) } : {}) }))
    .sort((a, b) => a.file.localeCompare(b.file));
  return { volume, dockerName, exists: here!, files, totalBytes: files.reduce((n, f) => n + f.sizeBytes, 0), backups };
}
