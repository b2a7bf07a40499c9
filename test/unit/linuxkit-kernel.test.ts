import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  bootImageArch, checkKernelArch, kernelLayout, LAYOUT_PATHS, modulesPath, modulesVersion, type TarEntry,
} from '../../electron/engine/images/linuxkit-kernel.js';

// Headers as the kernel's build writes them, followed by bytes that do not compress.
function bzImage(protocol = 0x20f, xloadflags = 0x7f): Buffer {
  const b = Buffer.concat([Buffer.alloc(0x240), randomBytes(256 * 1024)]);
  b.writeUInt16LE(0xaa55, 0x1fe);
  b.write('HdrS', 0x202, 'latin1');
  b.writeUInt16LE(protocol, 0x206);
  b.writeUInt16LE(xloadflags, 0x236);
  return b;
}

function arm64Image(): Buffer {
  const b = Buffer.concat([Buffer.alloc(0x40), randomBytes(256 * 1024)]);
  b.write('MZ', 0, 'latin1');
  b.write('ARM\x64', 0x38, 'latin1');
  return b;
}

// What `tar cf kernel.tar .` in linuxkit's modules_install output lists (arm64: with dtbs).
const LINUXKIT_TAR: TarEntry[] = [
  { name: './', type: 'directory' },
  { name: './boot/', type: 'directory' },
  { name: './boot/dtb/arm/juno.dtb', type: 'file' },
  { name: './lib/', type: 'directory' },
  { name: './lib/modules/', type: 'directory' },
  { name: './lib/modules/6.6.13-linuxkit/', type: 'directory' },
  { name: './lib/modules/6.6.13-linuxkit/build', type: 'symlink' },
  { name: './lib/modules/6.6.13-linuxkit/kernel/drivers/net/virtio_net.ko', type: 'file' },
  { name: './lib/modules/6.6.13-linuxkit/modules.dep', type: 'file' },
  { name: './lib/modules/6.6.13-linuxkit/modules.builtin', type: 'file' },
];

test('kernel.tar: the version is that of lib/modules/<version>, the paths ours without "./"', () => {
  assert.equal(modulesVersion(LINUXKIT_TAR), '6.6.13-linuxkit');
  assert.deepEqual(modulesPath('./lib/modules/6.6.13-linuxkit/modules.dep'), { version: '6.6.13-linuxkit', path: 'lib/modules/6.6.13-linuxkit/modules.dep' });
  assert.deepEqual(modulesPath('lib/modules/6.1.0-56-cloud-amd64/'), { version: '6.1.0-56-cloud-amd64', path: 'lib/modules/6.1.0-56-cloud-amd64' });
  for (const outside of ['./', './lib/modules/', './boot/dtb/arm/juno.dtb', 'usr/lib/modules/6.6/x.ko']) assert.equal(modulesPath(outside), undefined, outside);
});

test('kernel.tar: no modules, several kernels, no modules.dep, odd entries or ".." are refused, saying what is wrong', () => {
  const without = (name: string) => LINUXKIT_TAR.filter((e) => !e.name.includes(name));
  assert.throws(() => modulesVersion(without('lib/modules/6.6')), /\/kernel\.tar has no lib\/modules\/<version>/);
  assert.throws(() => modulesVersion([...LINUXKIT_TAR, { name: './lib/modules/6.1.0/modules.dep', type: 'file' }]),
    /modules of several kernels \(6\.6\.13-linuxkit, 6\.1\.0\)/);
  assert.throws(() => modulesVersion(without('modules.dep')), /has no lib\/modules\/6\.6\.13-linuxkit\/modules\.dep/);
  // A modules.dep that is a link is no modules.dep: the cache reads files only.
  assert.throws(() => modulesVersion([...without('modules.dep'), { name: './lib/modules/6.6.13-linuxkit/modules.dep', type: 'symlink' }]), /no lib\/modules\/6\.6\.13-linuxkit\/modules\.dep/);
  assert.throws(() => modulesVersion([...LINUXKIT_TAR, { name: './lib/modules/6.6.13-linuxkit/sda', type: 'block-device' }]), /a block-device: only files, folders and symlinks/);
  assert.throws(() => modulesPath('./lib/modules/6.6/../../../etc/passwd'), /with "\.\."/);
  assert.throws(() => modulesVersion([{ name: '../lib/modules/6.6/modules.dep', type: 'file' }]), /with "\.\."/);
});

test('layout: linuxkit\'s by /kernel or /kernel.tar, ours by /boot and /lib/modules; half of one names the missing part', () => {
  assert.equal(kernelLayout(['/kernel', '/kernel.tar']), 'linuxkit');
  assert.equal(kernelLayout([...LAYOUT_PATHS]), 'linuxkit');
  assert.equal(kernelLayout(['/boot', '/lib/modules']), 'labvisor');
  assert.throws(() => kernelLayout(['/kernel', '/boot']), /^Error: the image has no \/kernel\.tar \(linuxkit's layout is \/kernel \(the kernel\) \+ \/kernel\.tar/);
  assert.throws(() => kernelLayout(['/kernel.tar']), /the image has no \/kernel \(/);
  assert.throws(() => kernelLayout(['/boot']), /the image has no \/lib\/modules \(Labvisor's layout/);
  assert.throws(() => kernelLayout([]), /in no kernel layout Labvisor knows: linuxkit's .*; Labvisor's/);
});

test('architecture: bzImage and arm64 Image headers, plain or gzipped', () => {
  assert.equal(bootImageArch(bzImage()), 'x86_64');
  assert.equal(bootImageArch(bzImage(0x20f, 0)), 'i386', 'boot protocol 2.12+ without XLF_KERNEL_64');
  assert.equal(bootImageArch(bzImage(0x20a, 0)), 'x86_64', 'older protocols cannot say: taken as 64-bit');
  assert.equal(bootImageArch(arm64Image()), 'aarch64');
  assert.equal(bootImageArch(gzipSync(arm64Image())), 'aarch64', 'linuxkit\'s arm64 /kernel is Image.gz');
  assert.equal(bootImageArch(gzipSync(bzImage())), 'x86_64');
  assert.equal(bootImageArch(randomBytes(4096)), undefined);
  assert.equal(bootImageArch(Buffer.from('#!/bin/sh\n')), undefined);
  assert.equal(bootImageArch(gzipSync(Buffer.from('not a kernel'))), undefined);
  assert.equal(bootImageArch(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff])), undefined, 'a broken gzip');
});

test('architecture check: the kernel for the guests\' CPU passes; another CPU or no kernel is refused, saying what it is', () => {
  checkKernelArch(bzImage(), 'x86_64', '/kernel');
  checkKernelArch(gzipSync(arm64Image()), 'aarch64', '/kernel');
  assert.throws(() => checkKernelArch(arm64Image(), 'x86_64', '/kernel'), /^Error: \/kernel is a kernel for aarch64, not for x86_64 guests$/);
  assert.throws(() => checkKernelArch(bzImage(0x20f, 0), 'x86_64', '/kernel'), /is a kernel for i386, not for x86_64 guests/);
  assert.throws(() => checkKernelArch(randomBytes(1024), 'aarch64', '/boot/vmlinuz-6.6'),
    /\/boot\/vmlinuz-6\.6 is not a kernel Labvisor can boot: neither an x86 bzImage nor an arm64 Image/);
});
