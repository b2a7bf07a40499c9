// A guest kernel built from Debian's cloud kernel package where a registry answers: installed
// in a Debian container of the engine's CPU, or for another CPU downloaded and unpacked there
// (never installed), then copied into a FROM-scratch image in our layout.
import type Docker from 'dockerode';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LABEL } from '../labels.js';
import type { ProgressSink } from '../progress.js';
import { pullImage } from './base-image.js';
import { buildFromDockerfileText } from './build-image.js';
import { listContainerDir, withCreatedContainer } from './image-files.js';
import { sameArch } from './static-binary.js';
import { debianArch, isArch, type GuestArch } from './guest-arch.js';
import { kernelLabels, kernelTag } from './kernel-images.js';

/**
 * The Debian the kernel is installed in: a dated tag and its multi-arch index digest, so a
 * re-pointed tag cannot change what builds the guest kernel. Found offline (2026-11, no
 * registry reachable) by public code search: three unrelated projects pin this same tag and
 * digest, and another lists it as the manifest-list digest `docker buildx imagetools inspect`
 * gave for bookworm-slim. To update: pick the newest debian:bookworm-YYYYMMDD-slim on Docker
 * Hub, `docker buildx imagetools inspect` it and take its top `Digest:`.
 */
export const DEBIAN_IMAGE = 'debian:bookworm-20260824-slim@sha256:88200866dfff7ea7f5cbcb6ec7c8a701889efe6fe859fe64d6990e4b07ea4171';

function debianKernelDockerfile(engineArch: string): string {
  const pkg = sameArch(engineArch, 'aarch64') ? 'linux-image-cloud-arm64' : 'linux-image-cloud-amd64';
  return [
    `FROM ${DEBIAN_IMAGE} AS debian`,
    `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkg}`,
    'FROM scratch',
    'COPY --from=debian /boot/vmlinuz-* /boot/',
    'COPY --from=debian /lib/modules/ /lib/modules/',
    '',
  ].join('\n');
}

/**
 * Debian's cloud kernel of another CPU, made by a Debian container of the engine's CPU: the
 * package is downloaded (dpkg --add-architecture; apt-get download) and unpacked, never
 * installed, and depmod writes the modules.dep its postinst would have written.
 */
export function crossKernelDockerfile(arch: GuestArch): string {
  const deb = debianArch(arch);
  return [
    `FROM ${DEBIAN_IMAGE} AS debian`,
    `RUN dpkg --add-architecture ${deb} && apt-get update \\`,
    ' && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kmod \\',
    ` && pkg=$(apt-cache depends linux-image-cloud-${deb}:${deb} | sed -n 's/^ *Depends: \\(linux-image-[^<>]*\\)$/\\1/p' | head -n 1) \\`,
    ' && mkdir -p /deb /k && cd /deb && apt-get download "$pkg" \\',
    ' && dpkg-deb -x /deb/linux-image-*.deb /k && if [ -d /k/usr/lib/modules ]; then mkdir -p /k/lib && mv /k/usr/lib/modules /k/lib/; fi \\',
    ' && depmod -b /k "$(ls /k/lib/modules)"',
    'FROM scratch',
    'COPY --from=debian /k/boot/vmlinuz-* /boot/',
    'COPY --from=debian /k/lib/modules/ /lib/modules/',
    '',
  ].join('\n');
}

/** The Dockerfile that makes an `arch` kernel on an engine of `engineArch` where a registry answers. */
export function kernelDockerfile(arch: GuestArch, engineArch: string): string {
  return isArch(engineArch, arch) ? debianKernelDockerfile(arch) : crossKernelDockerfile(arch);
}

/** Builds the kernel image from Debian's cloud kernel package as `<repo>:<tag>`. */
export async function buildDebianKernel(docker: Docker, engine: EngineInfo, repo: string, arch: GuestArch, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DEBIAN_IMAGE, 30_000);
  // Built under another name until its version is known, so it never passes for a kernel.
  const building = `${repo}-building:${debianArch(arch)}`;
  await buildFromDockerfileText(docker, kernelDockerfile(arch, engine.arch), building, { [LABEL.role]: 'helper' }, sink);
  try {
    // The version is only known once apt has chosen the package.
    const boot = await withCreatedContainer(docker, building, (c) => listContainerDir(c, '/boot'));
    const vmlinuz = boot.find((name) => name.startsWith('vmlinuz-'));
    if (!vmlinuz) throw new Error(`the built image has no /boot/vmlinuz-* (found: ${boot.join(', ') || 'nothing'})`);
    const version = vmlinuz.slice('vmlinuz-'.length);
    // The labels of the final image: the version is only known now.
    await buildFromDockerfileText(docker, `FROM ${building}\n`, `${repo}:${kernelTag(version, arch)}`, kernelLabels(arch, version), sink);
  } finally {
    await docker.getImage(building).remove().catch(() => {});
  }
}
