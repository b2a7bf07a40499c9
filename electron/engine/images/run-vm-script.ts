// The VM runner's entry script and the paths it and QEMU share: the agent's FIFOs, the disks'
// volumes, and the placeholder for the engine host's CPU clock. Both runner recipes copy the
// script in as the image's ENTRYPOINT (qemu-image-builds.ts).

/** Where the runner's channels are: FIFOs for QEMU's `-chardev pipe,path=/run/vm/<name>`. */
export const RUN_VM_DIR = '/run/vm';
export const RUN_VM_FIFOS = ['agent.in', 'agent.out'] as const;
export const RUN_VM = '/labvisor/run-vm';
/** Disk i's volume is mounted at RUN_VM_DISKS/i, and holds the image RUN_VM_DISK_FILE. */
export const RUN_VM_DISKS = '/disks';
export const RUN_VM_DISK_FILE = 'disk.img';
/** In QEMU's argv, replaced by the entry script with the engine host's CPU clock in kHz. */
export const HOST_TSC_KHZ = '@HOST_TSC_KHZ@';

/**
 * QEMU's own seccomp filter, over the engine's: no obsolete system calls, no setuid and the like,
 * no new processes or programs, no scheduler or resource changes. Added by the entry script only
 * when this QEMU was built with it (`-sandbox on -version` exits 0), as `-sandbox` then must be.
 */
export const QEMU_SANDBOX = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';

/** Sizes of the disks the entry script makes when their volume has none yet: `256,512` (MiB). */
export const RUN_VM_DISKS_ENV = 'LABVISOR_DISKS_MB';

/**
 * The runner's entry point (its ENTRYPOINT): the FIFOs of the agent's channel, the disk images
 * the VM lacks (sparse), the engine host's CPU clock put into QEMU's argv where it says
 * ${HOST_TSC_KHZ} (read here, on that host, so no other container is started for it), QEMU's
 * seccomp sandbox where its build has one, then QEMU itself as PID 1, so the container lives
 * exactly as long as the VM and a stop or kill of the container reaches QEMU. POSIX sh:
 * busybox's in the offline image, dash in Debian's.
 */
export const RUN_VM_SCRIPT = `#!/bin/sh
# labvisor/qemu's entry: ${RUN_VM} QEMU-COMMAND [ARG...]
set -e
if [ "$#" -eq 0 ]; then echo 'usage: ${RUN_VM} QEMU-COMMAND [ARG...]' >&2; exit 2; fi
mkdir -p ${RUN_VM_DIR}
for f in ${RUN_VM_FIFOS.join(' ')}; do
  [ -p "${RUN_VM_DIR}/$f" ] || mkfifo -m 600 "${RUN_VM_DIR}/$f"
done
i=0
for mb in $(echo "\${${RUN_VM_DISKS_ENV}:-}" | tr ',' ' '); do
  disk=${RUN_VM_DISKS}/$i/${RUN_VM_DISK_FILE}
  [ -e "$disk" ] || truncate -s "\${mb}M" "$disk"
  i=$((i + 1))
done
khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
for a do
  shift
  case $a in *${HOST_TSC_KHZ}*) a="\${a%%${HOST_TSC_KHZ}*}\${khz:-2000000}\${a#*${HOST_TSC_KHZ}}";; esac
  set -- "$@" "$a"
done
qemu=$1
shift
if "$qemu" -sandbox on -version >/dev/null 2>&1; then set -- -sandbox ${QEMU_SANDBOX} "$@"; fi
exec "$qemu" "$@"
`;
