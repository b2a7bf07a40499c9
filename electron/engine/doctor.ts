// What this machine can do for labs, each finding with a fix: the engine and where it runs,
// the base image, QEMU and its accelerator, a guest kernel, the Docker host view's image, the VM
// runner and kernel images per guest CPU, the data dir.
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { connectEngine, type EngineConnection, type EngineInfo } from './machines/docker-engine.js';
import type Docker from 'dockerode';
import { baseImagePresent, BASE_IMAGE, findHostBusybox } from './images/base-image.js';
import { runHelper } from './machines/helper-container.js';
import { helperLabels } from './labels.js';
import { dataDir } from './paths.js';
import { DOCKER_HOST_IMAGE, findLocalCli } from './images/docker-host-image.js';
import { readVerdict } from './machines/vm/accelerator.js';
import { describeKernelImage, describeKernelImageSetting, findHostKernel, kernelImageSetting, KERNEL_REPO } from './images/guest-kernel.js';
import { GUEST_ARCHES, vmGuestArch, type GuestArch } from './images/guest-arch.js';
import { describeQemuImage, qemuImageRef } from './images/qemu-image.js';
import { errorMessage, LabvisorError } from './errors.js';
import type { DoctorFinding, DoctorReport as WireDoctorReport } from '../shared/api.js';

export type Status = DoctorFinding['status'];
// More than the API's report: `labvisor doctor --json` also prints sharesKernel; the hosts'
// result check keeps only the API's fields.
export interface Finding extends DoctorFinding {
  /** engine-location only, when proven by boot ids: whether the engine shares this machine's kernel. */
  sharesKernel?: boolean;
}
export interface DoctorReport extends Omit<WireDoctorReport, 'checks'> { checks: Finding[] }

/**
 * Where the engine runs, and whether it shares the learner's kernel. The address says local, vm
 * or remote; on Linux a helper container proves it: it reports the boot id of the kernel it runs on.
 */
async function engineLocation(docker: Docker, info: EngineInfo): Promise<Finding> {
  const words = { local: 'shares this machine\'s kernel', vm: 'runs in a VM on this machine', remote: 'runs on another machine' };
  let evidence = `kernel ${info.kernel}, ${info.os}`;
  let sharesKernel: boolean | undefined;
  if (process.platform === 'linux' && await baseImagePresent(docker)) {
    const ours = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const theirs = await runHelper(docker, { cmd: ['cat', '/proc/sys/kernel/random/boot_id'], labels: helperLabels() })
      .then((r) => r.stdout.trim(), () => '');
    if (theirs) {
      sharesKernel = ours === theirs;
      evidence = sharesKernel ? 'containers report this machine\'s boot id' : `containers report boot id ${theirs.slice(0, 8)}…, not this machine's ${ours.slice(0, 8)}…`;
    }
  }
  let detail = `${info.location}: the engine ${words[info.location]} (${evidence})`;
  // The address can mislead (ssh:// to this very machine, a socket into a VM): the boot id has the last word.
  if (sharesKernel === true && info.location !== 'local') detail = `${info.location}: reached as a ${info.location} engine, yet it shares this machine's kernel (${evidence})`;
  if (sharesKernel === false && info.location === 'local') detail = `vm: the engine's socket is local, but it does not share this machine's kernel (${evidence})`;
  return { id: 'engine-location', status: 'ok', detail, ...(sharesKernel !== undefined ? { sharesKernel } : {}) };
}

async function baseImage(docker: Docker, info: EngineInfo): Promise<Finding> {
  if (await baseImagePresent(docker)) return { id: 'base-image', status: 'ok', detail: `${BASE_IMAGE} is present` };
  const host = await findHostBusybox(info);
  if (host.path) return { id: 'base-image', status: 'ok', detail: `${BASE_IMAGE} will be made from the ${host.why} on first use` };
  return {
    id: 'base-image', status: 'warn',
    detail: `${BASE_IMAGE} is missing and no static busybox can make it (${host.why}); a registry is the only source left`,
    fix: 'sudo apt-get install busybox-static (or set LABVISOR_BUSYBOX to a static busybox)',
  };
}

/** The accelerator VMs get on the engine's host, as the first VM there found out (a verdict kept on the engine). */
async function accelerator(docker: Docker, info: EngineInfo): Promise<Finding> {
  const id = 'accelerator';
  const runner = await docker.getImage(qemuImageRef()).inspect().catch(() => undefined);
  if (!runner) return { id, status: 'ok', detail: 'not known yet: the first VM tries KVM on the Docker host, and TCG if KVM is missing or hangs' };
  const verdict = await readVerdict(docker, { runnerImageId: runner.Id, engineKernel: info.kernel }, 'kvm');
  if (!verdict) return { id, status: 'ok', detail: 'kvm: not yet tried on this engine; tcg if it is missing or hangs' };
  if (verdict.ok) return { id, status: 'ok', detail: 'kvm: works on the Docker host' };
  return {
    id, status: 'warn', detail: `tcg: software emulation (kvm: ${verdict.detail})`,
    fix: 'VMs run under software emulation (slower); expected without (nested) virtualisation on the Docker host',
  };
}

/** The kernel VMs will boot: the image LABVISOR_KERNEL_IMAGE names, a labvisor/kernel image, else one on this machine to import. */
async function guestKernel(docker: Docker | undefined, info: EngineInfo | undefined): Promise<{ finding: Finding }> {
  const named = kernelImageSetting();
  if (named && docker) {
    const { ok, detail, fix } = await describeKernelImageSetting(docker, named);
    return { finding: { id: 'guest-kernel', status: ok ? 'ok' : 'warn', detail, ...(fix ? { fix } : {}) } };
  }
  const fix = 'sudo apt-get install linux-image-cloud-amd64 (Debian); elsewhere, connect to a registry once';
  const images = docker ? await docker.listImages({ filters: { reference: [`${KERNEL_REPO}:*`] } }) : [];
  const tags = images.flatMap((i) => i.RepoTags ?? []);
  const host = info ? await findHostKernel(info) : { why: 'the engine is not reachable' } as { version?: string; why: string };
  if (tags.length) return { finding: { id: 'guest-kernel', status: 'ok', detail: `${tags.join(', ')} present` } };
  if (host.version) return { finding: { id: 'guest-kernel', status: 'ok', detail: `will be imported from ${host.why} on first use` } };
  return { finding: { id: 'guest-kernel', status: 'warn', detail: `no guest kernel: ${host.why}`, fix } };
}

/** The Docker host view's image: present, or what will make it (this computer's docker CLI is not needed otherwise). */
async function dockerHostView(docker: Docker, info: EngineInfo): Promise<Finding> {
  const id = 'docker-host-view';
  if (await baseImagePresent(docker, DOCKER_HOST_IMAGE)) return { id, status: 'ok', detail: `${DOCKER_HOST_IMAGE} is present (the Docker host terminal of labs)` };
  const local = await findLocalCli(info);
  if (local.binary) return { id, status: 'ok', detail: `${DOCKER_HOST_IMAGE} will be made from the ${local.why} on first use` };
  return {
    id, status: 'warn',
    detail: `${DOCKER_HOST_IMAGE} is missing and ${local.why}: the official docker CLI image is the only source left, which needs a registry once`,
    fix: 'connect to a registry once, load a workshop bundle, or (Linux) install the docker CLI: sudo apt-get install docker.io',
  };
}

/**
 * The VM runner image (labvisor/qemu) and the kernel image for each guest CPU: present, made
 * from what on first use, or missing with the fix. A CPU other than the one VMs use here
 * (the engine's, or LABVISOR_VM_ARCH) is optional: its gaps are said, not warned about.
 */
async function vmImages(docker: Docker, info: EngineInfo): Promise<Finding[]> {
  let used: GuestArch | undefined;
  try {
    used = vmGuestArch(info);
  } catch {
    used = undefined;
  }
  const findings: Finding[] = [];
  for (const arch of GUEST_ARCHES) {
    const optional = arch !== used ? ` (not needed now: VMs here boot ${used ?? 'no'} guests; LABVISOR_VM_ARCH=${arch} would use it)` : '';
    const gap: Status = optional ? 'ok' : 'warn';
    const runner = await describeQemuImage(docker, info, arch);
    findings.push({
      id: `runner:${arch}`, status: runner.status === 'missing' ? gap : 'ok', detail: `${runner.detail}${runner.status === 'missing' ? optional : ''}`,
      ...(runner.status === 'missing' ? { fix: 'connect to a registry once, load a workshop bundle, or on a Linux computer with the engine\'s CPU: sudo apt-get install qemu-system-x86 qemu-system-arm' } : {}),
    });
    const kernel = await describeKernelImage(docker, info, arch);
    const registry = 'built from Debian\'s cloud kernel where a registry answers';
    let detail: string;
    let status: Status = 'ok';
    if (kernel.image) detail = `${kernel.image.ref} is present${kernel.image.tag !== kernel.image.version ? ` (kernel ${kernel.image.version})` : ''}`;
    else if (kernel.offline && kernel.registry === 'first') detail = `will be ${registry}, else ${kernel.offline}, on first use`;
    else if (kernel.offline) detail = `will be ${kernel.offline} on first use`;
    else {
      status = gap;
      detail = `no ${arch} kernel image, and ${kernel.registry === 'skipped' ? 'no source without a registry (LABVISOR_OFFLINE=1)' : `it can only be ${registry}`}: ${kernel.reasons.join('; ')}${optional}`;
    }
    findings.push({
      id: `kernel:${arch}`, status, detail,
      ...(!kernel.image && !kernel.offline ? {
        fix: arch === 'aarch64'
          ? 'sudo bash scripts/provision-debian.sh (downloads Debian\'s arm64 cloud kernel), or connect to a registry once'
          : 'sudo apt-get install linux-image-cloud-amd64 (Debian); elsewhere, connect to a registry once',
      } : {}),
    });
  }
  return findings;
}

async function dataDirWritable(): Promise<Finding> {
  const dir = dataDir();
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return { id: 'data-dir', status: 'ok', detail: dir };
  } catch (err) {
    return { id: 'data-dir', status: 'error', detail: `${dir} is not writable: ${(err as Error).message}`, fix: 'set LABVISOR_DATA_DIR to a writable folder' };
  }
}

/** The engine finding when connecting (or a check that needs the engine) failed: our errors' fix on its own line of the report. */
export function engineFailed(err: unknown): Finding {
  if (!(err instanceof LabvisorError)) return { id: 'engine', status: 'error', detail: errorMessage(err) };
  return { id: 'engine', status: 'error', detail: err.detail, ...(err.fix ? { fix: err.fix } : {}) };
}

export async function runDoctor(): Promise<DoctorReport> {
  const checks: Finding[] = [];
  let engine: EngineInfo | undefined;
  let connection: EngineConnection | undefined;
  try {
    try {
      connection = await connectEngine();
      const { docker, info } = connection;
      engine = info;
      checks.push({
        id: 'engine', status: 'ok',
        detail: `Docker ${info.version} (API ${info.apiVersion}, ${info.os}, ${info.arch}) at ${info.target}, found by ${info.foundBy}`,
      });
      checks.push(await engineLocation(docker, info), await baseImage(docker, info), await dockerHostView(docker, info));
    } catch (err) {
      checks.push(engineFailed(err));
    }
    const kernel = await guestKernel(connection?.docker, engine);
    checks.push(...(connection ? [await accelerator(connection.docker, connection.info)] : []), kernel.finding);
    if (connection && engine) checks.push(...await vmImages(connection.docker, engine));
    checks.push(await dataDirWritable());
  } finally {
    await connection?.close();
  }
  return { ok: checks.every((c) => c.status !== 'error'), engine, checks };
}
