// Which accelerator a VM's QEMU should use, on the engine's host. KVM when that host's /dev/kvm
// can be handed to the runner and is not known to fail, else TCG. A /dev/kvm can exist and hang
// (nested virtualisation) or make QEMU abort, so the first boot with it is the probe: a VM that
// does not boot with it but does with TCG marks it failed. The verdict is kept on the engine
// (a labelled empty volume per QEMU build and engine kernel), so every client of that engine
// knows it — also one with a fresh data dir.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { LABEL } from '../../labels.js';
import type { Accelerator } from './qemu-args.js';

export interface Verdict { ok: boolean; detail: string }
export interface AcceleratorChoice { accel: Accelerator; reason: string }

const VERDICT = 'io.labvisor.accel-verdict';
const DETAIL = 'io.labvisor.accel-detail';

/** What a verdict is about: the runner's QEMU build on this engine's kernel, for one accelerator. */
export interface VerdictKey { runnerImageId: string; engineKernel: string }

const volumeFor = (key: VerdictKey, accel: Accelerator) =>
  `labvisor-accel-${accel}-${createHash('sha256').update(`${key.runnerImageId}|${key.engineKernel}`).digest('hex').slice(0, 16)}`;

export async function readVerdict(docker: Docker, key: VerdictKey, accel: Accelerator): Promise<Verdict | undefined> {
  const labels = await docker.getVolume(volumeFor(key, accel)).inspect().then((v) => v.Labels ?? {}, () => undefined);
  return labels?.[VERDICT] ? { ok: labels[VERDICT] === 'ok', detail: labels[DETAIL] ?? '' } : undefined;
}

export async function recordVerdict(docker: Docker, key: VerdictKey, accel: Accelerator, verdict: Verdict): Promise<void> {
  await docker.createVolume({
    Name: volumeFor(key, accel),
    Labels: { [LABEL.role]: 'base', [VERDICT]: verdict.ok ? 'ok' : 'failed', [DETAIL]: verdict.detail.slice(0, 200) },
  }).catch(() => {}); // another client recorded it first
}

/**
 * The accelerators to try, best first, with what is known of each; TCG always last. KVM only
 * for a guest of the engine's own CPU: it cannot run another architecture's code.
 */
export async function acceleratorPlan(docker: Docker, key: VerdictKey, sameArch: boolean): Promise<AcceleratorChoice[]> {
  const plan: AcceleratorChoice[] = [];
  let note = '';
  if (sameArch) {
    const v = await readVerdict(docker, key, 'kvm');
    if (v && !v.ok) note = `kvm: ${v.detail}; `;
    else plan.push({ accel: 'kvm', reason: v ? 'kvm: works' : 'kvm: not yet tried on this engine' });
  }
  plan.push({ accel: 'tcg', reason: `${note}tcg: software emulation` });
  return plan;
}
