// The pure parts of the runner image and the guest-architecture providers: which firmware and
// modules go in, ldd's output, the recipes as text, the guest CPU choice, package and kernel
// names, and the applet table of a busybox that cannot run here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianArch, dockerPlatform, normalArch, qemuSystemBinary, qemuSystemPackage, vmGuestArch } from '../../electron/engine/images/guest-arch.js';
import { acceleratorModules, firmwareFiles, FIRMWARE, parseLdd, parseQemuVersion } from '../../electron/engine/images/local-qemu.js';
import { localQemuDockerfile, parseVersionsFile, registryQemuDockerfile, versionLabel } from '../../electron/engine/images/qemu-image-builds.js';
import { RUN_VM_SCRIPT } from '../../electron/engine/images/run-vm-script.js';
import { crossKernelDockerfile, DEBIAN_IMAGE, kernelDockerfile } from '../../electron/engine/images/debian-kernel.js';
import { kernelTag } from '../../electron/engine/images/kernel-images.js';
import { appletPaths, busyboxAppletNames, kernelRelease, packageDir, parseDebName, pickBusyboxDeb, pickKernelDeb } from '../../electron/engine/images/guest-packages.js';
import { checkElfMachine, guestBaseDockerfile, guestBaseImage, guestBusyboxDockerfile } from '../../electron/engine/images/guest-base-image.js';

test('guest CPU: the engine\'s by default, LABVISOR_VM_ARCH forces one, anything else is refused by name', () => {
  assert.equal(vmGuestArch({ arch: 'x86_64' }, {}), 'x86_64');
  assert.equal(vmGuestArch({ arch: 'aarch64' }, {}), 'aarch64');
  assert.equal(vmGuestArch({ arch: 'arm64' }, {}), 'aarch64');
  assert.equal(vmGuestArch({ arch: 'x86_64' }, { LABVISOR_VM_ARCH: 'aarch64' }), 'aarch64');
  assert.equal(vmGuestArch({ arch: 'aarch64' }, { LABVISOR_VM_ARCH: 'amd64' }), 'x86_64');
  assert.equal(vmGuestArch({ arch: 'x86_64' }, { LABVISOR_VM_ARCH: '' }), 'x86_64');
  assert.throws(() => vmGuestArch({ arch: 'x86_64' }, { LABVISOR_VM_ARCH: 'riscv64' }), /LABVISOR_VM_ARCH=riscv64 is not a guest architecture Labvisor boots; use x86_64 or aarch64/);
  assert.throws(() => vmGuestArch({ arch: 's390x' }, {}), /engine runs on s390x.*set LABVISOR_VM_ARCH/);
  assert.equal(normalArch('amd64'), 'x86_64');
  assert.deepEqual([debianArch('aarch64'), dockerPlatform('aarch64'), qemuSystemBinary('aarch64'), qemuSystemPackage('aarch64')],
    ['arm64', 'linux/arm64', 'qemu-system-aarch64', 'qemu-system-arm']);
});

test('firmware: microvm\'s qboot (a link followed to its file) and the DMA kernel loader; nothing for aarch64 virt', () => {
  const debian = [
    { name: 'bios-microvm.bin', link: 'qboot.rom' }, { name: 'qboot.rom' }, { name: 'linuxboot_dma.bin' }, { name: 'linuxboot.bin' },
    { name: 'bios-256k.bin', link: '../seabios/bios-256k.bin' }, { name: 'keymaps' }, { name: 'pvh.bin' }, { name: 'kvmvapic.bin' },
    { name: 'efi-virtio.rom', link: '../../lib/ipxe/qemu/efi-virtio.rom' }, { name: 'vgabios-stdvga.bin' },
  ];
  assert.deepEqual(firmwareFiles(['x86_64', 'aarch64'], debian), { keep: ['bios-microvm.bin', 'linuxboot_dma.bin', 'qboot.rom'], missing: [] });
  assert.deepEqual(firmwareFiles(['aarch64'], debian), { keep: [], missing: [] });
  assert.deepEqual(FIRMWARE.aarch64, []);
  // A file instead of a link is kept as it is; a missing one is named.
  assert.deepEqual(firmwareFiles(['x86_64'], [{ name: 'bios-microvm.bin' }]), { keep: ['bios-microvm.bin'], missing: ['linuxboot_dma.bin'] });
  // A link that leaves the folder is kept by name only (its content is read through it).
  assert.deepEqual(firmwareFiles(['x86_64'], [{ name: 'bios-microvm.bin', link: '/usr/share/qboot/bios.bin' }, { name: 'linuxboot_dma.bin' }]).keep,
    ['bios-microvm.bin', 'linuxboot_dma.bin']);
});

test('modules: the accelerators only, no UI, audio or display', () => {
  const debian = ['accel-tcg-i386.so', 'accel-tcg-x86_64.so', 'audio-alsa.so', 'ui-curses.so', 'hw-display-qxl.so', 'chardev-baum.so', 'hw-usb-host.so', 'accel-qtest-x86_64.so'];
  assert.deepEqual(acceleratorModules(debian), ['accel-qtest-x86_64.so', 'accel-tcg-i386.so', 'accel-tcg-x86_64.so']);
  assert.deepEqual(acceleratorModules([]), []);
});

test('ldd: the paths the loader opens, the loader itself, and what is not found', () => {
  const out = `\tlinux-vdso.so.1 (0x00007ffd2b7f1000)
\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f3bbe300000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3bbcfb8000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f3bbf5d4000)
`;
  assert.deepEqual(parseLdd(out), {
    libraries: ['/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'], missing: [],
  });
  assert.deepEqual(parseLdd('\tlibslirp.so.0 => not found\n\tlibc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (0x0000ffff9e2f0000)\n\t/lib/ld-linux-aarch64.so.1 (0x0000ffff9e4c0000)\n'), {
    libraries: ['/lib/aarch64-linux-gnu/libc.so.6', '/lib/ld-linux-aarch64.so.1'], missing: ['libslirp.so.0'],
  });
  assert.deepEqual(parseLdd('\tnot a dynamic executable\n'), { libraries: [], missing: [] });
});

test('QEMU versions: parsed from --version, one label when the binaries agree', () => {
  assert.equal(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright …'), '7.2.22');
  assert.equal(parseQemuVersion('QEMU emulator version 9.0.0\n'), '9.0.0');
  assert.equal(parseQemuVersion('qemu-img version 7.2'), undefined);
  assert.equal(versionLabel([{ arch: 'x86_64', version: '7.2.22' }, { arch: 'aarch64', version: '7.2.22' }]), '7.2.22');
  assert.equal(versionLabel([{ arch: 'x86_64', version: '7.2.22' }, { arch: 'aarch64', version: '8.0.0' }]), 'x86_64 7.2.22, aarch64 8.0.0');
  assert.deepEqual(parseVersionsFile('qemu-system-x86_64 QEMU emulator version 7.2.22 (Debian)\nqemu-system-aarch64 QEMU emulator version 7.2.22 (Debian)\n'),
    [{ arch: 'x86_64', version: '7.2.22' }, { arch: 'aarch64', version: '7.2.22' }]);
});

test('the entry script: FIFOs for the agent, missing disk images, the host clock filled in, then exec, usage without a command', () => {
  assert.match(RUN_VM_SCRIPT, /^#!\/bin\/sh\n/);
  assert.match(RUN_VM_SCRIPT, /mkdir -p \/run\/vm\n/);
  assert.match(RUN_VM_SCRIPT, /for f in agent\.in agent\.out; do\n {2}\[ -p "\/run\/vm\/\$f" \] \|\| mkfifo -m 600 "\/run\/vm\/\$f"\ndone\n/);
  assert.match(RUN_VM_SCRIPT, /case \$a in \*@HOST_TSC_KHZ@\*\) a="\$\{a%%@HOST_TSC_KHZ@\*\}\$\{khz:-2000000\}\$\{a#\*@HOST_TSC_KHZ@\}";; esac/);
  assert.match(RUN_VM_SCRIPT, /disk=\/disks\/\$i\/disk\.img\n {2}\[ -e "\$disk" \] \|\| truncate -s "\$\{mb\}M" "\$disk"/);
  assert.match(RUN_VM_SCRIPT, /\nqemu=\$1\nshift\nif "\$qemu" -sandbox on -version >\/dev\/null 2>&1; then set -- -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny "\$@"; fi\nexec "\$qemu" "\$@"\n$/);
  assert.match(RUN_VM_SCRIPT, /if \[ "\$#" -eq 0 \]; then echo 'usage: \/labvisor\/run-vm QEMU-COMMAND \[ARG\.\.\.\]' >&2; exit 2; fi/);
});

test('the offline recipe: FROM labvisor/base, the files at their paths, a version check, the entry point', () => {
  assert.equal(localQemuDockerfile(['/usr/bin/qemu-system-x86_64', '/usr/bin/qemu-system-aarch64']), [
    'FROM labvisor/base:latest',
    'COPY rootfs/ /',
    'RUN /usr/bin/qemu-system-x86_64 --version && /usr/bin/qemu-system-aarch64 --version >/dev/null',
    'ENTRYPOINT ["/labvisor/run-vm"]',
    '',
  ].join('\n'));
});

test('the registry recipe: pinned Debian, both QEMUs and busybox-static without recommends, pruned like the offline image', () => {
  const text = registryQemuDockerfile();
  const lines = text.split('\n');
  assert.equal(lines[0], `FROM ${DEBIAN_IMAGE}`);
  assert.match(DEBIAN_IMAGE, /@sha256:[0-9a-f]{64}$/);
  assert.match(text, /apt-get install -y --no-install-recommends qemu-system-x86 qemu-system-arm busybox-static/);
  assert.match(text, /for f in bios-microvm\.bin linuxboot_dma\.bin; do keep="\$keep \$f \$\(basename "\$\(readlink -f "\$f"\)"\)"; done/);
  assert.match(text, /find "\$d" -name '\*\.so' ! -name 'accel-\*' -delete/);
  assert.match(text, /for q in qemu-system-x86_64 qemu-system-aarch64; do printf '%s %s\\n' "\$q" "\$\(\$q --version \| head -n 1\)"; done > \/labvisor\/qemu-versions/);
  assert.ok(lines.includes('COPY run-vm /labvisor/run-vm'));
  assert.ok(lines.includes('ENTRYPOINT ["/labvisor/run-vm"]'));
  // Every RUN line continues to the next until the last.
  const run = lines.slice(lines.findIndex((l) => l.startsWith('RUN ')), lines.findIndex((l) => l.startsWith('COPY ')));
  assert.ok(run.slice(0, -1).every((l) => l.endsWith(' \\')), run.join('\n'));
  assert.ok(!run.at(-1)!.endsWith('\\'));
});

test('kernel tags: x86_64 keeps its version; aarch64 says arm64 once', () => {
  assert.equal(kernelTag('6.1.0-56-cloud-amd64', 'x86_64'), '6.1.0-56-cloud-amd64');
  assert.equal(kernelTag('6.1.0-56-cloud-arm64', 'aarch64'), '6.1.0-56-cloud-arm64');
  assert.equal(kernelTag('6.8.0-45-generic', 'aarch64'), '6.8.0-45-generic-arm64');
  assert.equal(kernelTag('6.6.0-aarch64', 'aarch64'), '6.6.0-aarch64');
});

test('kernel recipes: the engine\'s own CPU installs Debian\'s package; another CPU downloads, unpacks and depmods it', () => {
  assert.match(kernelDockerfile('x86_64', 'x86_64'), /apt-get install -y --no-install-recommends linux-image-cloud-amd64/);
  assert.match(kernelDockerfile('aarch64', 'arm64'), /apt-get install -y --no-install-recommends linux-image-cloud-arm64/);
  const cross = kernelDockerfile('aarch64', 'x86_64');
  assert.equal(cross, crossKernelDockerfile('aarch64'));
  assert.match(cross, /^FROM debian:bookworm-[\w-]+@sha256:[0-9a-f]{64} AS debian\n/);
  assert.match(cross, /RUN dpkg --add-architecture arm64 && apt-get update \\\n/);
  assert.match(cross, /apt-cache depends linux-image-cloud-arm64:arm64 \| sed -n 's\/\^ \*Depends: \\\(linux-image-\[\^<>\]\*\\\)\$\/\\1\/p'/);
  assert.match(cross, /apt-get download "\$pkg"/);
  assert.match(cross, /depmod -b \/k "\$\(ls \/k\/lib\/modules\)"\nFROM scratch\nCOPY --from=debian \/k\/boot\/vmlinuz-\* \/boot\/\nCOPY --from=debian \/k\/lib\/modules\/ \/lib\/modules\/\n$/);
  assert.doesNotMatch(cross, /apt-get install[^\n]*linux-image/);
});

test('package cache: the folder per Debian CPU, names apt-get download gives, the newest cloud kernel and busybox', () => {
  assert.equal(packageDir('aarch64', {}), '/var/cache/labvisor/arm64');
  assert.equal(packageDir('aarch64', { LABVISOR_PACKAGE_CACHE: '/srv/cache' }), '/srv/cache/arm64');
  assert.deepEqual(parseDebName('busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb'),
    { file: 'busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb', pkg: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'arm64' });
  assert.equal(parseDebName('notes.txt'), undefined);
  assert.equal(kernelRelease('linux-image-6.1.0-56-cloud-arm64'), '6.1.0-56-cloud-arm64');
  assert.equal(kernelRelease('linux-image-6.1.0-56-cloud-arm64-unsigned'), '6.1.0-56-cloud-arm64');
  assert.equal(kernelRelease('linux-image-cloud-arm64'), undefined);
  assert.equal(kernelRelease('linux-image-6.1.0-56-cloud-arm64-dbg'), undefined);
  const files = [
    'linux-image-6.1.0-9-cloud-arm64_6.1.27-1_arm64.deb', 'linux-image-6.1.0-56-cloud-arm64_6.1.192-2_arm64.deb',
    'linux-image-6.1.0-56-arm64_6.1.192-2_arm64.deb', 'linux-image-6.1.0-56-cloud-amd64_6.1.192-2_amd64.deb',
    'busybox-static_1%3a1.30.1-6_arm64.deb', 'busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb', 'busybox_1%3a1.36.0-1_arm64.deb',
  ];
  assert.equal(pickKernelDeb(files, 'aarch64')?.release, '6.1.0-56-cloud-arm64');
  assert.equal(pickKernelDeb(files, 'x86_64')?.release, '6.1.0-56-cloud-amd64');
  assert.equal(pickBusyboxDeb(files, 'aarch64')?.version, '1:1.35.0-4+deb12u1+b1');
  assert.equal(pickBusyboxDeb(files, 'x86_64'), undefined);
});

test('a foreign busybox: applet names read from its table, placed as this machine\'s busybox places them', () => {
  const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(100), Buffer.from('\0[\0[[\0ash\0awk\0ls\0sh\0\0tail'), Buffer.alloc(10)]);
  assert.deepEqual(busyboxAppletNames(binary), ['[', '[[', 'ash', 'awk', 'ls', 'sh']);
  assert.deepEqual(appletPaths(['[', 'ash', 'awk', 'ls', 'sh', 'newapplet'], 'usr/bin/[\nbin/ash\nusr/bin/awk\nbin/ls\nbin/sh\nlinuxrc\n/etc/evil\n'),
    ['usr/bin/[', 'bin/ash', 'usr/bin/awk', 'bin/ls', 'bin/sh', 'bin/newapplet']);
  assert.deepEqual(appletPaths(['sh', 'awk']), ['bin/sh', 'bin/awk']);
  assert.throws(() => busyboxAppletNames(Buffer.from('no table here')), /no applet table found/);
  assert.throws(() => busyboxAppletNames(Buffer.from('\0[\0[[\0zcat\0ash\0\0')), /not a sorted list of names \(at "ash"\)/);
});

test('foreign base image: its own tag beside labvisor/base:latest, a linux/arm64 rootfs, the right ELF', () => {
  assert.equal(guestBaseImage('aarch64', { arch: 'x86_64' }), 'labvisor/base:latest-arm64');
  assert.equal(guestBaseImage('x86_64', { arch: 'x86_64' }), 'labvisor/base:latest');
  assert.equal(guestBaseImage('aarch64', { arch: 'arm64' }), 'labvisor/base:latest');
  assert.equal(guestBaseImage('x86_64', { arch: 'aarch64' }), 'labvisor/base:latest-amd64');
  assert.equal(guestBaseDockerfile(), 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["/bin/sh"]\n');
  const elf = (machine: number) => { const b = Buffer.alloc(64); b.writeUInt32BE(0x7f454c46, 0); b[5] = 1; b.writeUInt16LE(machine, 18); return b; };
  assert.doesNotThrow(() => checkElfMachine(elf(183), 'aarch64', 'busybox'));
  assert.throws(() => checkElfMachine(elf(62), 'aarch64', 'busybox'), /busybox is for ELF machine 62, not aarch64/);
  assert.throws(() => checkElfMachine(Buffer.from('#!/bin/sh\n'), 'aarch64', 'busybox'), /busybox is not an ELF binary/);
  const helper = guestBusyboxDockerfile('aarch64');
  assert.match(helper, /dpkg --add-architecture arm64/);
  assert.match(helper, /apt-get download busybox-static:arm64/);
  assert.match(helper, /busybox --list-full > \/guest\/applets/);
});
