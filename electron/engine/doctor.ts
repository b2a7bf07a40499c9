// What this machine can do for labs, each finding with a fix: the engine and where it runs,
// the base image, QEMU and its accelerator, a guest kernel, the docker CLI, the data dir.
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectEngine, type EngineInfo } from './machines/docker-engine.js';
import type Docker from 'dockerode';
import { baseImagePresent, BASE_IMAGE, findHostBusybox } from './images/base-image.js';
import { runHelper } from './machines/helper-container.js';
import { helperLabels } from './labels.js';
import { dataDir } from './paths.js';
import { onPath } from './which.js';
import { findQemu } from './machines/vm/qemu-binary.js';
import { acceleratorPlan } from './machines/vm/accelerator.js';

export type Status = 'ok' | 'warn' | 'error';
export interface Finding { id: string; status: Status; detail: string; fix?: string }
export interface DoctorReport { ok: boolean; engine?: EngineInfo; checks: Finding[] }

async function engineLocation(docker: Docker, info: EngineInfo): Promise<Finding> {
  const words = { local: 'shares this machine\'s kernel', vm: 'runs in a VM on this machine', remote: 'runs on another machine' };
  let evidence = `kernel ${info.kernel}, ${info.os}`;
  // Where possible, prove it: a container reports the boot id of the kernel it runs on.
  if (process.platform === 'linux' && await baseImagePresent(docker)) {
    const ours = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const theirs = await runHelper(docker, { cmd: ['cat', '/proc/sys/kernel/random/boot_id'], labels: helperLabels() })
      .then((r) => r.stdout.trim(), () => '');
    if (theirs) evidence = ours === theirs ? 'containers report this machine\'s boot id' : `containers report boot id ${theirs.slice(0, 8)}…, not this machine's ${ours.slice(0, 8)}…`;
  }
  return { id: 'engine-location', status: 'ok', detail: `${info.location}: the engine ${words[info.location]} (${evidence})` };
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

async function qemu(): Promise<Finding[]> {
  try {
    const bin = await findQemu();
    const plan = await acceleratorPlan(bin.version);
    const best = plan[0]!;
    return [
      { id: 'qemu', status: 'ok', detail: `QEMU ${bin.version} (${bin.path})` },
      {
        id: 'accelerator', status: best.accel === 'tcg' ? 'warn' : 'ok',
        detail: plan.length > 1 ? `${best.reason}; falls back to tcg if a boot hangs` : best.reason,
        ...(best.accel === 'tcg' ? { fix: 'VMs run under software emulation (slower). Without nested virtualisation this is expected.' } : {}),
      },
    ];
  } catch (err) {
    const [detail, fix] = (err as Error).message.split('\nFix: ');
    return [{ id: 'qemu', status: 'warn', detail: detail!, ...(fix ? { fix } : {}) }];
  }
}

async function guestKernel(): Promise<Finding> {
  const fix = 'sudo apt-get install linux-image-cloud-amd64 (Debian) or linux-image-virtual (Ubuntu)';
  if (process.platform !== 'linux') return { id: 'guest-kernel', status: 'warn', detail: 'no host kernel to borrow on this OS; an offline kernel bundle is needed for VMs', fix };
  const kernels = (await readdir('/boot').catch(() => [] as string[])).filter((f) => f.startsWith('vmlinuz-'));
  const readable: string[] = [];
  for (const k of kernels) {
    const version = k.slice('vmlinuz-'.length);
    const ok = await access(join('/boot', k), constants.R_OK).then(() => access(join('/lib/modules', version)).then(() => true), () => false).catch(() => false);
    if (ok) readable.push(version);
  }
  return readable.length
    ? { id: 'guest-kernel', status: 'ok', detail: `host kernel(s) usable for guests: ${readable.join(', ')}` }
    : { id: 'guest-kernel', status: 'warn', detail: kernels.length ? '/boot/vmlinuz-* is not readable or has no /lib/modules' : 'no kernel in /boot to boot VMs with', fix };
}

async function dockerCli(): Promise<Finding> {
  const path = await onPath('docker');
  return path
    ? { id: 'docker-cli', status: 'ok', detail: `docker CLI at ${path} (labs' host steps use it)` }
    : { id: 'docker-cli', status: 'warn', detail: 'no docker CLI on PATH: steps on the host machine cannot run docker commands', fix: 'sudo apt-get install docker.io (or docker-ce-cli)' };
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

export async function runDoctor(): Promise<DoctorReport> {
  const checks: Finding[] = [];
  let engine: EngineInfo | undefined;
  try {
    const { docker, info } = await connectEngine();
    engine = info;
    checks.push({ id: 'engine', status: 'ok', detail: `Docker ${info.version} (API ${info.apiVersion}, ${info.arch}) at ${info.target}` });
    checks.push(await engineLocation(docker, info), await baseImage(docker, info));
  } catch (err) {
    const [detail, fix] = (err as Error).message.split('\nFix: ');
    checks.push({ id: 'engine', status: 'error', detail: detail!, ...(fix ? { fix } : {}) });
  }
  checks.push(await dockerCli(), ...await qemu(), await guestKernel(), await dataDirWritable());
  return { ok: checks.every((c) => c.status !== 'error'), engine, checks };
}
