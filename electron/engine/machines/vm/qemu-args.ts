// The QEMU command line for a lab VM. Pure, so the choices are unit-tested and explained once:
// microvm (x86_64) or virt (arm64), direct kernel boot, no firmware, no default devices, a
// guest network that reaches nothing unless the lab is trusted for outbound, seccomp when it works.
import { SANDBOX } from './qemu-binary.js';

export type Accelerator = 'kvm' | 'hvf' | 'whpx' | 'tcg';

export interface VmLaunch {
  arch: 'x86_64' | 'aarch64';
  accel: Accelerator;
  kernel: string;
  initrd: string;
  memoryMb: number;
  cpus: number;
  hostname: string;
  /** Unix sockets QEMU serves: QMP, the learner's console (ttyS0), the agent (hvc0). */
  qmpSocket: string;
  consoleSocket: string;
  agentSocket: string;
  pidfile: string;
  /** Guest ports forwarded from 127.0.0.1 on the host. */
  ports: Array<{ guest: number; host: number }>;
  /**
   * The guest may open connections out. QEMU's user network maps 10.0.2.2 to the host's
   * 127.0.0.1 and routes the rest to the internet, so an untrusted guest gets restrict=on:
   * nothing out, while the port forwards above still come in.
   */
  outbound: boolean;
  /** QEMU installs its seccomp filter (QemuBinary.sandbox). */
  sandbox: boolean;
  /** The host's TSC frequency: under TCG the guest kernel cannot measure it and may hang trying. */
  tscKhz: number;
}

export function qemuArgs(v: VmLaunch): string[] {
  const x86 = v.arch === 'x86_64';
  const tcg = v.accel === 'tcg';
  // Under TCG the guest kernel needs the legacy timers, and its TSC calibration against them
  // fails (and sometimes hangs the boot), so it is told the frequency; with a hardware
  // accelerator the timers only slow the boot.
  const legacyTimers = tcg ? 'on' : 'off';
  const machine = x86 ? `microvm,accel=${v.accel},pit=${legacyTimers},pic=${legacyTimers},rtc=on` : `virt,accel=${v.accel}`;
  const cmdline = [
    x86 ? 'console=ttyS0' : 'console=ttyAMA0',
    'panic=-1', 'reboot=t', 'quiet', 'loglevel=3',
    ...(tcg && x86 ? [`tsc_early_khz=${v.tscKhz}`, 'tsc=reliable', 'no_timer_check'] : []),
    `labvisor.hostname=${v.hostname}`,
  ].join(' ');
  const hostfwd = v.ports.map((p) => `,hostfwd=tcp:127.0.0.1:${p.host}-:${p.guest}`).join('');
  return [
    '-M', machine, ...(tcg ? [] : ['-cpu', 'host']), '-m', String(v.memoryMb), '-smp', String(v.cpus),
    '-nodefaults', '-no-user-config', '-nographic', '-no-reboot',
    '-kernel', v.kernel, '-initrd', v.initrd, '-append', cmdline,
    '-chardev', `socket,id=console,path=${v.consoleSocket},server=on,wait=off`,
    '-serial', 'chardev:console',
    '-device', 'virtio-serial-device',
    '-chardev', `socket,id=agent,path=${v.agentSocket},server=on,wait=off`,
    '-device', 'virtconsole,chardev=agent',
    '-netdev', `user,id=net0,restrict=${v.outbound ? 'off' : 'on'}${hostfwd}`,
    '-device', 'virtio-net-device,netdev=net0',
    '-qmp', `unix:${v.qmpSocket},server=on,wait=off`,
    '-pidfile', v.pidfile,
    ...(v.sandbox ? ['-sandbox', SANDBOX] : []),
  ];
}
