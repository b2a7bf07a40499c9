// The QEMU command line for a lab VM, run as PID 1 of its runner container. Pure, so the
// choices are unit-tested and explained once: microvm (x86_64) or virt (aarch64), direct kernel
// boot, no firmware, no default devices. The runner container is QEMU's sandbox and its
// network: no capabilities, default seccomp, and the lab's network policy for the guest too.
import { HOST_TSC_KHZ } from '../../images/qemu-image.js';

export type Accelerator = 'kvm' | 'hvf' | 'whpx' | 'tcg';

/** Where the runner holds the guest's files, and the agent's FIFOs (made by its entry script). */
export const RUNNER_PATHS = { kernel: '/vm/vmlinuz', initrd: '/vm/initrd', agentIn: '/run/vm/agent.in', agentOut: '/run/vm/agent.out' } as const;

export interface VmLaunch {
  arch: 'x86_64' | 'aarch64';
  accel: Accelerator;
  memoryMb: number;
  cpus: number;
  hostname: string;
  /**
   * Guest TCP ports served on the runner's own addresses: the lab's other machines reach them
   * by the VM's name, and the port relay publishes them like a container's.
   */
  ports: number[];
}

export function qemuArgs(v: VmLaunch): string[] {
  const x86 = v.arch === 'x86_64';
  const tcg = v.accel === 'tcg';
  // Under TCG the guest kernel needs the legacy timers, and its TSC calibration against them
  // fails (and sometimes hangs the boot), so it is told the engine host's clock (the runner's
  // entry script fills it in); with a hardware accelerator the timers only slow the boot.
  const legacyTimers = tcg ? 'on' : 'off';
  const machine = x86 ? `microvm,accel=${v.accel},pit=${legacyTimers},pic=${legacyTimers},rtc=on` : `virt,accel=${v.accel}`;
  const cmdline = [
    x86 ? 'console=ttyS0' : 'console=ttyAMA0',
    'panic=-1', 'reboot=t', 'quiet', 'loglevel=3',
    ...(tcg && x86 ? [`tsc_early_khz=${HOST_TSC_KHZ}`, 'tsc=reliable', 'no_timer_check'] : []),
    `labvisor.hostname=${v.hostname}`,
  ].join(' ');
  const hostfwd = v.ports.map((p) => `,hostfwd=tcp::${p}-:${p}`).join('');
  const cpu = tcg ? (x86 ? [] : ['-cpu', 'cortex-a57']) : ['-cpu', 'host'];
  return [
    '-M', machine, ...cpu, '-m', String(v.memoryMb), '-smp', String(v.cpus),
    '-nodefaults', '-no-user-config', '-nographic', '-no-reboot',
    '-kernel', RUNNER_PATHS.kernel, '-initrd', RUNNER_PATHS.initrd, '-append', cmdline,
    // The learner's console is the container's stdin and stdout (attach; `docker logs` shows it).
    '-chardev', 'stdio,id=console,signal=off',
    '-serial', 'chardev:console',
    '-device', 'virtio-serial-device',
    // The agent's channel: a FIFO pair, reached with an exec (exec-stream.ts).
    '-chardev', `pipe,id=agent,path=${RUNNER_PATHS.agentIn.replace(/\.in$/, '')}`,
    '-device', 'virtconsole,chardev=agent',
    '-netdev', `user,id=net0${hostfwd}`,
    '-device', 'virtio-net-device,netdev=net0',
  ];
}
