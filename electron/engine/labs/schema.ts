// The lab format, v1: one zod schema is the source of truth for validation, for the TypeScript
// types the engine uses, and for docs/lab.schema.json (editors). Every object is strict: an
// unknown field is an error, so a typo never passes silently.
import { z } from 'zod';
import { MachineKind } from '../../shared/api.js';
import type { Fits } from '../../shared/fits.js';
import { labName as name } from '../../shared/ids.js';

/** Paths inside the lab folder: relative, forward slashes, never leaving the folder. */
const labPath = z.string().min(1).max(200)
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p), 'must be a path relative to the lab folder')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not leave the lab folder (no "..")');

const seconds = z.number().positive().max(600);

/**
 * Capabilities a lab may add back after CapDrop: ALL without asking: they act only on what the
 * container already owns. The rest of the Linux capabilities (CAPABILITIES_NEEDING_TRUST) reach
 * beyond it, so the learner must trust the lab (trust.ts says why for each).
 */
export const SAFE_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE',
  'SYS_CHROOT', 'AUDIT_WRITE',
] as const;

export const CAPABILITIES_NEEDING_TRUST = [
  'SETPCAP', 'SETFCAP', 'NET_RAW', 'NET_ADMIN', 'MKNOD', 'SYS_PTRACE', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_TIME',
  'SYS_RAWIO', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_PACCT', 'SYS_TTY_CONFIG', 'DAC_READ_SEARCH',
  'LINUX_IMMUTABLE', 'IPC_LOCK', 'IPC_OWNER', 'LEASE', 'AUDIT_CONTROL', 'AUDIT_READ', 'SYSLOG', 'WAKE_ALARM',
  'BLOCK_SUSPEND', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'CHECKPOINT_RESTORE',
] as const;

export const CAPABILITIES = [...SAFE_CAPABILITIES, ...CAPABILITIES_NEEDING_TRUST] as const;

const Mount = z.strictObject({
  volume: name.describe('a volume declared under `volumes`'),
  path: z.string().regex(/^\/[^\0]*$/, 'must be an absolute path in the container'),
  readOnly: z.boolean().optional(),
});

const Port = z.strictObject({
  container: z.number().int().min(1).max(65535),
  host: z.number().int().min(1).max(65535).optional().describe('port on 127.0.0.1; a free one when omitted (below 1024 needs trust)'),
});

const outbound = z.boolean().optional().describe('may reach the internet and the networks around the engine; requires trust (default: only the lab\'s own machines)');

const Resources = z.strictObject({
  memoryMb: z.number().int().min(16).max(8192).optional().describe('memory limit; swap is not allowed beyond it'),
  cpus: z.number().positive().max(16).optional(),
  pids: z.number().int().min(8).max(32768).optional(),
});

export const ContainerMachine = z.strictObject({
  name,
  kind: z.literal(MachineKind.enum.container),
  image: z.string().min(1).describe('an image of this lab (images/<name>/Dockerfile) or labvisor/base'),
  command: z.array(z.string()).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name'), z.string()).optional(),
  workdir: z.string().regex(/^\//, 'must be an absolute path').optional(),
  hostname: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, not starting with a dash (at most 63)').optional(),
  mounts: z.array(Mount).optional(),
  ports: z.array(Port).max(16).optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).max(40).optional().describe('added back after dropping all; any outside the safe set requires trust'),
  resources: Resources.optional(),
  privileged: z.boolean().optional().describe('requires the user to trust the lab'),
  outbound,
});

/** The machine whose kernel the lab's containers share: on Docker Desktop, its Linux VM. */
export const DockerHostMachine = z.strictObject({
  name,
  kind: z.literal(MachineKind.enum['docker-host']).describe('a root shell on the machine that runs the Docker engine (its processes, kernel, cgroups and the docker CLI), in a helper container on the engine; requires trust'),
});

/** Only for lessons about the learner's own computer: any OS, so portable sh scripts only. */
export const LearnerComputerMachine = z.strictObject({
  name,
  kind: z.literal(MachineKind.enum['learner-computer']).describe('a shell on the learner\'s own computer (macOS, Windows or Linux); requires trust'),
});

const VmPort = z.strictObject({
  guest: z.number().int().min(1).max(65535),
  host: z.number().int().min(1).max(65535).optional().describe('port on 127.0.0.1; a free one when omitted (below 1024 needs trust)'),
});

/** Guest folders a disk may not cover: the guest init's own file systems and the kit. */
const GUEST_SYSTEM_PATHS = ['/proc', '/sys', '/dev', '/run', '/tmp', '/labvisor'];

/**
 * A virtio disk: a raw image file in a lab volume, so it outlives the VM like any volume (a
 * reboot, a stop of the VM) and is backed up or copied like one. Formatted on first boot.
 */
export const VmDisk = z.strictObject({
  volume: name.describe('a volume declared under `volumes`: it holds the disk image, disk.img'),
  path: z.string().regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, 'must be an absolute path in the guest: letters, digits, ".", "_", "-" and "/"')
    .refine((p) => !GUEST_SYSTEM_PATHS.some((s) => p === s || p.startsWith(`${s}/`)), `must not be in ${GUEST_SYSTEM_PATHS.join(', ')}: the guest's own file systems`)
    .refine((p) => !p.split('/').includes('..'), 'must not contain ".."')
    .describe('where the guest mounts the disk (an ext2 file system, made on first boot)'),
  sizeMb: z.number().int().min(16).max(4096).optional().describe('size of the disk; default 256. The image file is sparse: it takes only what was written'),
});

export const VmMachine = z.strictObject({
  name,
  kind: z.literal(MachineKind.enum.vm).describe('a QEMU microVM booting its own kernel, its filesystem made from the image'),
  image: z.string().min(1).describe('an image of this lab (images/<name>/Dockerfile) or labvisor/base'),
  memoryMb: z.number().int().min(64).max(8192).optional().describe('guest memory; default 256'),
  cpus: z.number().int().min(1).max(8).optional().describe('virtual CPUs; default 1'),
  hostname: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, not starting with a dash (at most 63)').optional(),
  ports: z.array(VmPort).max(16).optional(),
  disks: z.array(VmDisk).max(4).optional().describe('virtio disks, /dev/vda, /dev/vdb, … in this order'),
  outbound,
});

export const Machine = z.discriminatedUnion('kind', [ContainerMachine, VmMachine, DockerHostMachine, LearnerComputerMachine]);
// Every kind of the one list (shared/api-types.ts) has its machine schema here (checked by tsc).
export type _EveryKindHasAMachine = Fits<MachineKind, z.infer<typeof Machine>['kind']>;

/** Kinds of earlier drafts of the format, and what replaced them. */
export const RENAMED_KINDS: Record<string, string> = {
  host: 'docker-host (a shell on the machine that runs the Docker engine) or learner-computer (a shell on the learner\'s own computer)',
};

const ScriptCheck = z.strictObject({
  machine: name,
  script: z.string().min(1).max(20000),
  timeout: seconds.optional().describe('seconds; default 30'),
});

const negate = z.boolean().optional().describe('pass when the probe does NOT hold');

const ProbeCheck = z.discriminatedUnion('probe', [
  z.strictObject({ probe: z.literal('container-running'), machine: name, not: negate }),
  z.strictObject({ probe: z.literal('container-image'), machine: name, image: z.string().min(1), not: negate }),
  z.strictObject({ probe: z.literal('volume-exists'), volume: name, not: negate }),
  z.strictObject({
    probe: z.literal('volume-file'), volume: name, path: labPath,
    contains: z.string().optional(), equals: z.string().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
    minLines: z.number().int().min(0).optional(),
    not: negate,
  }),
  z.strictObject({ probe: z.literal('image-exists'), image: z.string().min(1), not: negate }),
]);

export const Check = z.union([ScriptCheck, ProbeCheck]);

export const SolveAction = z.strictObject({
  machine: name,
  script: z.string().min(1).max(20000),
  timeout: seconds.optional().describe('seconds; default 60'),
});

/** An answer a machine computes when the learner answers: the script's trimmed stdout. */
export const ComputedAnswer = z.strictObject({
  machine: name,
  script: z.string().min(1).max(20000),
  timeout: seconds.optional().describe('seconds; default 30'),
});

/** A question's right answer: a choice's text, or what a machine computes (told apart by type). */
export const Answer = z.union([
  z.string().min(1).max(200).describe('with choices: the text of the right choice'),
  ComputedAnswer.describe('without choices: the machine and script whose trimmed output is the right answer, computed when the learner answers'),
]);

/** How a typed answer is compared with the computed one (answer-match.ts). */
export const ANSWER_MATCHES = ['exact', 'ignore-case', 'number'] as const;

/**
 * A question the learner answers from what they observed: pick one of `choices` (then `answer`
 * is the right choice's text), or type a value a machine computes at answer time (then `answer`
 * is the machine and script). lab-rules.ts checks which form a question is.
 */
export const Question = z.strictObject({
  prompt: z.string().min(1).max(500).describe('plain text, shown above the answer field'),
  choices: z.array(z.string().min(1).max(200)).min(2).max(12).optional().describe('the learner picks one; answer is the right one\'s text'),
  answer: Answer,
  match: z.enum(ANSWER_MATCHES).optional().describe('how a typed answer is compared (whitespace at both ends never counts): exact (default), ignore-case, number'),
});

export const Step = z.strictObject({
  id: name,
  title: z.string().min(1).max(120),
  markdown: labPath.refine((p) => p.endsWith('.md'), 'must be a .md file'),
  check: z.array(Check).min(1).optional().describe('all must pass'),
  question: Question.optional().describe('instead of a check: the learner answers a question about what they observed'),
  failsFirst: z.boolean().optional().describe('the check must fail before the solution runs; default true'),
  solve: z.array(SolveAction).min(1).optional(),
  hints: z.array(z.string().min(1)).optional(),
  poll: z.number().min(2).max(60).optional().describe('seconds between automatic checks while the step is open (2–60); without it the check runs on click'),
});

export const Volume = z.strictObject({
  name,
  description: z.string().optional(),
});

/** Image builds run without a network and FROM the base or the lab's own images, unless declared here. */
export const Build = z.strictObject({
  network: z.boolean().optional().describe('builds may use the network (RUN wget, ADD <url>); requires trust'),
  from: z.array(z.string().min(1).max(256)).max(16).optional()
    .describe('images besides labvisor/base and the lab\'s own that Dockerfiles may start FROM; each must already be on the engine, and requires trust'),
});

export const Lab = z.strictObject({
  format: z.literal(1).optional().describe('lab format version'),
  id: name,
  title: z.string().min(1).max(80),
  summary: z.string().min(1).max(400),
  duration: z.number().int().min(1).max(240).describe('minutes'),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  order: z.number().int().min(1).max(999).optional()
    .describe('place on the learning path (1 first): the catalog lists labs in this order, and a finished lab offers the next'),
  tags: z.array(name).max(12),
  machines: z.array(Machine).min(1).max(32),
  volumes: z.array(Volume).max(32).optional(),
  build: Build.optional(),
  steps: z.array(Step).min(1).max(100),
});

export type Lab = z.infer<typeof Lab>;
export type Machine = z.infer<typeof Machine>;
export type ContainerMachine = z.infer<typeof ContainerMachine>;
export type VmMachine = z.infer<typeof VmMachine>;
export type VmDisk = z.infer<typeof VmDisk>;
export type Step = z.infer<typeof Step>;
export type Check = z.infer<typeof Check>;
export type ProbeCheck = z.infer<typeof ProbeCheck>;
export type ScriptCheck = z.infer<typeof ScriptCheck>;
export type SolveAction = z.infer<typeof SolveAction>;
export type Question = z.infer<typeof Question>;
export type ComputedAnswer = z.infer<typeof ComputedAnswer>;
export type AnswerMatch = (typeof ANSWER_MATCHES)[number];

/** The JSON Schema for editors, generated from the zod schema above. */
export function labJsonSchema(): object {
  return {
    ...z.toJSONSchema(Lab, { target: 'draft-2020-12' }),
    title: 'Labvisor lab (lab.yaml)',
  };
}
