// The QEMU command line for a lab VM, run as PID 1 of its runner container. Pure, so the
// choices are unit-tested and explained once: microvm (x86_64) or virt (aarch64), direct kernel
// boot, no firmware, no default devices. The runner container is QEMU's sandbox and its
// network: no capabilities, default seccomp, and the lab's network policy for the guest too.
import { HOST_TSC_KHZ, RUN_VM_DISK_FILE, RUN_VM_DISKS } from '../../images/run-vm-script.js';

export type Accelerator = 'kvm' | 'hvf' | 'whpx' | 'tcg';

/** Where the runner holds the guest's files, and the agent's FIFOs (made by its entry script). */
export const RUNNER_PATHS = { kernel: '/vm/vmlinuz', initrd: '/vm/initrd', agentIn: '/run/vm/agent.in', agentOut: '/run/vm/agent.out' } as const;

/** Where the runner mounts the volume of disk `i` (the entry script makes the image in it). */
export const runnerDiskDir = (i: number): string => `${RUN_VM_DISKS}/${i}`;
/** Disk i's serial number, as the guest reads it in /sys/block/vd?/serial. */
export const DISK_SERIAL_PREFIX = 'labvisor-disk';

export interface VmDiskLaunch {
  /** Where the guest mounts it. */
  path: string;
}

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
  /** Virtio disks 0, 1, …: images in volumes the runner mounts (runnerDiskDir); the guest tells them apart by serial. */
  disks?: VmDiskLaunch[];
}

export function qemuArgs(v: VmLaunch): string[] {
  const disks = v.disks ?? [];
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
    ...(disks.length ? [`labvisor.disks=${disks.map((d) => d.path).join(',')}`] : []),
  ].join(' ');
  const hostfwd = v.ports.map((p) => `,hostfwd=tcp::${p}-:${p}`).join('');
  const cpu = tcg ? (x86 ? [] : ['-cpu', 'cortex-a57']) : ['-cpu', 'host'];
  return [
    '-M', machine, ...cpu, '-m', String(v.memoryMb), '-smp', String(v.cpus),
    // No -no-reboot: a reboot the guest asks for boots it again in this QEMU (same PID, console,
    // agent channel and disks). A panic would reboot it too (panic=-1): the console watcher in
    // vm-machine.ts stops the runner at the panic's line instead.
    '-nodefaults', '-no-user-config', '-nographic',
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
    ...disks.flatMap((_, i) => [
      // QEMU locks the image: a second QEMU on the same disk is refused instead of corrupting it.
      '-drive', `file=${runnerDiskDir(i)}/${RUN_VM_DISK_FILE},format=raw,if=none,id=disk${i},cache=writeback,discard=unmap`,
      // The serial tells the guest which disk is which: virtio-mmio probe order is not the argv's.
      '-device', `virtio-blk-device,drive=disk${i},serial=${DISK_SERIAL_PREFIX}${i}`,
    ]),
  ];
}
