// The results of the lenses (electron/engine/lenses): what the kernel sees of processes, kernels,
// memory, image layers and volumes. Zod schemas, checked where they cross a host, and the one
// declaration of their types. Shared with the renderer: zod only, never a Node module.
import { z } from 'zod';
import { MachineKind, OwnerKind } from './api-types.js';

const ProcessOwner = z.object({
  kind: OwnerKind,
  /** "host", the container's name, or the VM's `lv-<session>-<machine>`. */
  name: z.string(),
  session: z.string().optional(),
  /** The lab machine, for containers and VMs of a session. */
  machine: z.string().optional(),
});

export const ProcessLens = z.object({
  processes: z.array(z.object({
    pid: z.number(), ppid: z.number(),
    /** The PID the process has inside its own PID namespace (the same as pid on the host). */
    nspid: z.number(),
    command: z.string(), rssKb: z.number(), owner: ProcessOwner,
  })),
  owners: z.array(ProcessOwner.extend({
    processes: z.number(), rssKb: z.number(),
    /** Containers: the host PID of the container's first process (what `docker inspect` reports). */
    initPid: z.number().optional(),
    /** VMs: the QEMU process, and how many processes the guest kernel itself runs (from its agent). */
    qemuPid: z.number().optional(), guestProcesses: z.number().optional(),
  })),
});

export const KernelLens = z.object({
  machines: z.array(z.object({
    name: z.string(), kind: OwnerKind, session: z.string().optional(), sharesHostKernel: z.boolean(),
    /** Why the facts are missing (the machine did not answer). */
    error: z.string().optional(),
    kernel: z.string().optional(), bootId: z.string().optional(), uptimeS: z.number().optional(),
    memTotalKb: z.number().optional(), cpus: z.number().optional(), hostname: z.string().optional(),
  })),
});

export const FootprintLens = z.object({
  runs: z.array(z.object({
    session: z.string(), lab: z.string(), startedAt: z.string(),
    machines: z.array(z.object({
      name: z.string(), kind: MachineKind, readyMs: z.number(), accel: z.string().optional(),
      phases: z.array(z.object({ phase: z.string(), atMs: z.number() })),
    })),
    samples: z.array(z.object({ at: z.string(), memKb: z.record(z.string(), z.number()) })),
  })),
});

const ImageLayer = z.object({ digest: z.string().optional(), createdBy: z.string(), sizeBytes: z.number() });
export const ImageLens = z.object({
  images: z.array(z.object({
    ref: z.string(), id: z.string(), sizeBytes: z.number(), created: z.string(), labels: z.record(z.string(), z.string()), layers: z.array(ImageLayer),
  })),
});
export const ImageDiff = z.object({
  from: z.string(), to: z.string(),
  /** Layers both images have (the cache a rebuild reused). */
  shared: z.array(ImageLayer),
  onlyFrom: z.array(ImageLayer), onlyTo: z.array(ImageLayer),
});

export const VolumeLens = z.object({
  volume: z.string(),
  /** The Docker volume's name (lv-<session>-<volume>). */
  dockerName: z.string(),
  exists: z.boolean(), totalBytes: z.number(),
  files: z.array(z.object({ path: z.string(), sizeBytes: z.number() })),
  backups: z.array(z.object({
    /** Where the archive is: the lab volume's name, then its path in that volume (`backups/records.tar.gz`). */
    file: z.string(),
    sizeBytes: z.number(), modified: z.string(),
    /** How many of the volume's files the archive holds (tar, tar.gz, tar.xz, tar.bz2): a container export holds none. */
    holdsVolumeFiles: z.number().optional(),
  })),
});

export type ProcessLens = z.infer<typeof ProcessLens>;
export type KernelLens = z.infer<typeof KernelLens>;
export type FootprintLens = z.infer<typeof FootprintLens>;
export type ImageLens = z.infer<typeof ImageLens>;
export type ImageDiff = z.infer<typeof ImageDiff>;
export type VolumeLens = z.infer<typeof VolumeLens>;
