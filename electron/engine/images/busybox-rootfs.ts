// A minimal root filesystem made from a static busybox, packed as a tar stream for
// `docker import`: the offline way to get labvisor/base without any registry.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { pack, type Pack } from 'tar-stream';

const run = promisify(execFile);

/** The folders and files of a minimal root filesystem, beside busybox and its applet links. */
export const ROOTFS_DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['sbin', 0o755], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755],
  ['etc', 0o755], ['root', 0o700], ['home', 0o755], ['tmp', 0o1777], ['var', 0o755],
  ['var/tmp', 0o1777], ['var/log', 0o755], ['proc', 0o555], ['sys', 0o555], ['dev', 0o755],
];

export const ROOTFS_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  'etc/shells': '/bin/sh\n/bin/ash\n',
};

/** The applets a busybox provides, as paths like "bin/sh" (asks the binary itself). */
export async function busyboxApplets(busybox: string): Promise<string[]> {
  const { stdout } = await run(busybox, ['--list-full'], { maxBuffer: 1 << 20 });
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('/') && !l.includes('..'));
}

export async function busyboxRootfs(busybox: string): Promise<Pack> {
  const [binary, applets] = await Promise.all([readFile(busybox), busyboxApplets(busybox)]);
  const tar = pack();
  const mtime = new Date(0);
  for (const [name, mode] of ROOTFS_DIRS) tar.entry({ name, type: 'directory', mode, mtime });
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime }, binary);
  for (const [name, text] of Object.entries(ROOTFS_FILES)) tar.entry({ name, mode: 0o644, mtime }, text);
  for (const applet of applets) {
    if (applet === 'bin/busybox') continue;
    tar.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime });
  }
  tar.finalize();
  return tar;
}
