// Debian packages of another CPU's guest parts, downloaded (never installed) by
// scripts/provision-debian.sh into a machine-wide cache: /var/cache/labvisor/<debian-arch>/
// (LABVISOR_PACKAGE_CACHE moves the folder above <debian-arch>). Today that is arm64's cloud
// kernel and static busybox, so an x86_64 machine makes aarch64 guests without a registry.
// Reading a .deb takes dpkg-deb (xz inside), so this source exists on Debian-like Linux only.
import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar-stream';
import { onPath } from '../which.js';
import { debianArch, type GuestArch } from './guest-arch.js';

const run = promisify(execFile);

export const PACKAGE_CACHE = '/var/cache/labvisor';

/** The folder with the .deb files of one guest architecture. */
export function packageDir(arch: GuestArch, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.LABVISOR_PACKAGE_CACHE || PACKAGE_CACHE, debianArch(arch));
}

export interface DebFile { file: string; pkg: string; version: string; arch: string }

/** `name_version_arch.deb` as apt-get download names it; an epoch's ":" is written "%3a". */
export function parseDebName(file: string): DebFile | undefined {
  const m = /^([a-z0-9][a-z0-9+.-]*)_([^_]+)_([a-z0-9-]+)\.deb$/.exec(file);
  return m ? { file, pkg: m[1]!, version: decodeURIComponent(m[2]!), arch: m[3]! } : undefined;
}

const newestFirst = (a: DebFile, b: DebFile) =>
  b.pkg.localeCompare(a.pkg, 'en', { numeric: true }) || b.version.localeCompare(a.version, 'en', { numeric: true });

/**
 * The kernel release of a Debian kernel image package (linux-image-6.1.0-56-cloud-arm64 →
 * 6.1.0-56-cloud-arm64), or undefined for metapackages, debug symbols and the like.
 */
export function kernelRelease(pkg: string): string | undefined {
  const m = /^linux-image-(\d+\.\d+[^_]*?)(-unsigned)?$/.exec(pkg);
  return m && !m[1]!.endsWith('-dbg') ? m[1] : undefined;
}

/** Among `files`, the newest cloud kernel package for `arch`, and its release. */
export function pickKernelDeb(files: string[], arch: GuestArch): (DebFile & { release: string }) | undefined {
  const deb = debianArch(arch);
  const found = files.map(parseDebName)
    .filter((d): d is DebFile => !!d && d.arch === deb && !!kernelRelease(d.pkg) && kernelRelease(d.pkg)!.endsWith(`-cloud-${deb}`))
    .sort(newestFirst)[0];
  return found && { ...found, release: kernelRelease(found.pkg)! };
}

/** Among `files`, the newest busybox-static package for `arch`. */
export function pickBusyboxDeb(files: string[], arch: GuestArch): DebFile | undefined {
  return files.map(parseDebName).filter((d): d is DebFile => !!d && d.pkg === 'busybox-static' && d.arch === debianArch(arch))
    .sort(newestFirst)[0];
}

/** A downloaded package for `arch` (`pick` chooses among the cache's files), or why there is none. */
export async function findGuestDeb<T extends DebFile>(
  arch: GuestArch, what: string, pick: (files: string[], arch: GuestArch) => T | undefined,
): Promise<{ deb?: T & { path: string }; why: string }> {
  const dir = packageDir(arch);
  const fix = `(sudo bash scripts/provision-debian.sh downloads it)`;
  if (process.platform !== 'linux') return { why: `Debian packages are read on Linux only ${fix}` };
  const files = await readdir(dir).catch(() => undefined);
  if (!files) return { why: `no ${dir} ${fix}` };
  const deb = pick(files, arch);
  if (!deb) return { why: `no ${what} package in ${dir} ${fix}` };
  if (!(await onPath('dpkg-deb'))) return { why: `${join(dir, deb.file)} is there, but dpkg-deb, which reads it, is not on PATH` };
  return { deb: { ...deb, path: join(dir, deb.file) }, why: `${what} package ${join(dir, deb.file)}` };
}

/** The contents of one file in a .deb (`./bin/busybox`), read with dpkg-deb without unpacking the rest. */
export async function readDebFile(deb: string, path: string): Promise<Buffer> {
  const want = path.replace(/^\.?\/*/, '');
  const child = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve); });
  const tar = extract();
  child.stdout.pipe(tar as unknown as NodeJS.WritableStream);
  let found: Buffer | undefined;
  for await (const entry of tar) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.name.replace(/^\.?\/*/, '') === want && entry.header.type === 'file') found = Buffer.concat(chunks);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${stderr.trim() || `exit ${code}`}`);
  if (!found) throw new Error(`${deb} has no ${path}`);
  return found;
}

/** Unpacks a .deb's files into `dir` (dpkg-deb -x: nothing is installed, no script runs). */
export async function unpackDeb(deb: string, dir: string): Promise<void> {
  await run('dpkg-deb', ['-x', deb, dir], { maxBuffer: 1 << 20 });
}

/** depmod, which non-root shells of Debian do not have on PATH (/usr/sbin). */
export async function findDepmod(): Promise<string | undefined> {
  const found = await onPath('depmod');
  if (found) return found;
  for (const path of ['/usr/sbin/depmod', '/sbin/depmod']) {
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  return undefined;
}

/**
 * The applet names compiled into a busybox binary of any CPU: its `applet_names` table, the
 * NUL-separated, sorted names that begin with "[" and "[[" (busybox/libbb/appletlib.c). A
 * binary that cannot run here cannot be asked `--list-full`.
 */
export function busyboxAppletNames(binary: Buffer): string[] {
  const start = binary.indexOf(Buffer.from('\0[\0[[\0', 'latin1'));
  if (start < 0) throw new Error('no applet table found: not a busybox binary?');
  const end = binary.indexOf(Buffer.from('\0\0', 'latin1'), start + 1);
  const names = binary.subarray(start + 1, end < 0 ? undefined : end).toString('latin1').split('\0');
  for (let i = 1; i < names.length; i++) {
    if (!/^[\w.[-]+$/.test(names[i]!) || names[i - 1]! >= names[i]!) throw new Error(`the applet table of this busybox is not a sorted list of names (at "${names[i]}")`);
  }
  return names;
}

/**
 * Where each applet's link goes: where a busybox of this machine puts it (`--list-full`:
 * "usr/bin/awk"), so both architectures' base images have one layout; else in bin/, as in
 * the registry's busybox image, which has them all there.
 */
export function appletPaths(names: string[], hostListFull = ''): string[] {
  const where = new Map<string, string>();
  for (const line of hostListFull.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('/') || line.includes('..')) continue;
    where.set(line.slice(line.lastIndexOf('/') + 1), line);
  }
  return names.filter((n) => n && !n.includes('/')).map((n) => where.get(n) ?? `bin/${n}`);
}
