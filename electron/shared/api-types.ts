// The values the LabApi carries (api.ts): sessions, machines, labs, steps' outcomes, progress,
// doctor's report (the lenses' results are in lens-types.ts). Each is a zod schema, checked where it crosses a host, and the
// one declaration of its type: the engine imports these types rather than declaring its own.
// Shared with the renderer: zod only, never a Node module or the engine.
import { z } from 'zod';
import { sessionId, terminalId } from './ids.js';

/** Progress of long work (image builds, machine starts): the CLI draws a bar, the UI per-machine progress. */
export const ProgressEvent = z.object({
  /** What is being worked on, stable across its events: "base", "image app", "machine app". */
  task: z.string(),
  /** The current phase in words: "building", "step 2/5: RUN …", "starting". */
  phase: z.string(),
  current: z.number().optional(),
  total: z.number().optional(),
  /** Set on the last event of a task. */
  state: z.enum(['done', 'failed']).optional(),
  /** Milliseconds since the task began. */
  elapsedMs: z.number().optional(),
});

/** A workshop bundle's load: verifying its digests, loading its images into the engine, unpacking its labs. */
export const BundleProgress = z.object({
  phase: z.enum(['verify', 'load', 'labs']),
  doneBytes: z.number(),
  totalBytes: z.number(),
  rateBps: z.number(),
  etaS: z.number().optional(),
});

export const BootTimeline = z.object({
  accel: z.string(),
  /** Why this accelerator (e.g. "kvm: hung in 10 s; using tcg"). */
  accelReason: z.string(),
  /** Milliseconds from starting the runner: QEMU runs, the guest kernel starts, init runs the agent, a shell prompt shows on the console. */
  processMs: z.number(),
  kernelMs: z.number(),
  initMs: z.number(),
  shellMs: z.number(),
});

/**
 * The kinds of lab machines: the one list. The lab format (engine/labs/schema.ts) has a machine
 * schema per kind, checked against this list by tsc; a new kind starts here.
 */
export const MachineKind = z.enum(['container', 'vm', 'docker-host', 'learner-computer']);
/** The machines the lenses look into (the Docker host's own processes are the owner "host"). */
export const LensMachineKind = MachineKind.extract(['container', 'vm']);
export const OwnerKind = z.enum({ host: 'host', ...LensMachineKind.enum });

export const MachineStatus = z.object({
  name: z.string(),
  kind: MachineKind,
  /** From the start of this machine's work (build included) until it can run commands. */
  readyMs: z.number(),
  /** VMs: the boot's phases and the accelerator used. */
  boot: BootTimeline.optional(),
  /** When each phase of the machine's start ended, in ms from its start (the footprint lens). */
  phases: z.array(z.object({ phase: z.string(), atMs: z.number() })).optional(),
  /** Why the machine could not start (no QEMU, no guest kernel); the lab's other machines run. */
  unavailable: z.string().optional(),
  /** Why the machine stopped by itself after its start (a VM whose runner died): what it meant, QEMU's last words, its console's last lines. */
  stopped: z.string().optional(),
});

export const SessionState = z.enum(['starting', 'running', 'resetting', 'stopping', 'stopped', 'failed']);

export const SessionInfo = z.object({
  id: sessionId,
  lab: z.string(),
  state: SessionState,
  /** Filled once the machines run. */
  machines: z.array(MachineStatus),
  /** Why the session failed (state "failed"). */
  error: z.string().optional(),
  /** Its terminals' recording, while one runs or after it stopped by itself (`notice` says why). */
  recording: z.object({ id: z.string(), active: z.boolean(), notice: z.string().optional() }).optional(),
});

export const TerminalInfo = z.object({
  id: terminalId,
  session: sessionId,
  machine: z.string(),
  kind: MachineKind,
  cols: z.number(),
  rows: z.number(),
  /** Set once the terminal ended (its shell exited, its machine stopped, or it was closed). */
  exit: z.object({ code: z.number().nullable(), reason: z.string().optional() }).optional(),
});

/** What a learner has done in a lab (engine/learner-progress.ts keeps it). */
export const LabProgress = z.object({
  lab: z.string(),
  currentStep: z.string().optional(),
  /** Steps passed, in the order they passed: a check passed or a question answered right. */
  passed: z.array(z.string()),
  /** Hints opened, per step. */
  hintsShown: z.record(z.string(), z.number()),
  /** Steps whose solution was shown. */
  solutionsShown: z.array(z.string()),
  /** ISO time of the last change; absent when nothing was saved yet. */
  updatedAt: z.string().optional(),
});

/** A session's terminals as recorded: one asciicast v2 file per terminal, with the markers of the steps. */
export const RecordingSummary = z.object({
  id: z.string(), lab: z.string(), session: z.string(), startedAt: z.string(),
  /** Still being written. */
  active: z.boolean(),
  machines: z.array(z.object({
    file: z.string(), bytes: z.number(), duration: z.number().describe('seconds'),
    markers: z.array(z.object({ at: z.number(), label: z.string() })),
  })),
});

/** The outcome of a step's check, in the words the learner sees. */
export const CheckResult = z.object({
  ok: z.boolean(),
  /** What to tell the learner: the FAIL: lines of scripts, or what a probe found. */
  messages: z.array(z.string()),
});

/** `hasCheck`: the step passes by a check of the machines (so a Reset makes its mark untrue). */
export const StepSummary = z.object({ id: z.string(), title: z.string(), hasCheck: z.boolean() });

/** Something a lab asks for beyond the safe default, where it asks for it (`lab.yaml:12:7`). */
export const TrustReason = z.object({ message: z.string(), where: z.string() });

/** Whether a lab may run: its reasons (none → it runs), and whether the learner trusted this very content. */
export const TrustState = z.object({
  reasons: z.array(TrustReason),
  trusted: z.boolean(),
  /** The content hash the learner decides on; trusting an edited lab needs a new decision. */
  hash: z.string(),
});

export const LabSummary = z.object({
  id: z.string(),
  /** Bundled with the app (trusted), or a folder the learner opened. */
  source: z.enum(['bundled', 'folder']),
  /** An opened lab's folder. */
  folder: z.string().optional(),
  /** An opened lab's trust state; bundled labs are trusted. */
  trust: TrustState.optional(),
  title: z.string(),
  summary: z.string(),
  duration: z.number().describe('minutes'),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  /** Place on the learning path (1 first); labs without one come after it. */
  order: z.number().optional(),
  tags: z.array(z.string()),
  machines: z.array(z.object({ name: z.string(), kind: MachineKind })),
  /** The lab's named volumes (the volume lens reads them). */
  volumes: z.array(z.string()),
  steps: z.array(StepSummary),
});

export const DoctorFinding = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'error']),
  detail: z.string(),
  fix: z.string().optional(),
});

export const DoctorReport = z.object({
  ok: z.boolean(),
  engine: z.object({
    /** The engine's address as the docker CLI writes it (unix:///…, tcp://…, ssh://…). */
    target: z.string(),
    version: z.string(), apiVersion: z.string(), os: z.string(), kernel: z.string(), arch: z.string(),
    /** local: the engine shares this machine's kernel; vm: it runs in a VM here (Docker Desktop, colima…); remote: elsewhere (ssh://, tcp:// to another host). */
    location: z.enum(['local', 'vm', 'remote']),
    /** How the engine was found: "DOCKER_HOST", "DOCKER_CONTEXT=ctx", a docker context, the Docker Desktop or default socket. */
    foundBy: z.string(),
  }).optional(),
  checks: z.array(DoctorFinding),
});

export type ProgressEvent = z.infer<typeof ProgressEvent>;
export type BundleProgress = z.infer<typeof BundleProgress>;
export type BootTimeline = z.infer<typeof BootTimeline>;
export type MachineKind = z.infer<typeof MachineKind>;
export type LensMachineKind = z.infer<typeof LensMachineKind>;
export type OwnerKind = z.infer<typeof OwnerKind>;
export type MachineStatus = z.infer<typeof MachineStatus>;
export type SessionState = z.infer<typeof SessionState>;
export type SessionInfo = z.infer<typeof SessionInfo>;
export type CheckResult = z.infer<typeof CheckResult>;
export type LabSummary = z.infer<typeof LabSummary>;
export type TrustState = z.infer<typeof TrustState>;
export type TrustReason = z.infer<typeof TrustReason>;
export type TerminalInfo = z.infer<typeof TerminalInfo>;
export type LabProgress = z.infer<typeof LabProgress>;
export type RecordingSummary = z.infer<typeof RecordingSummary>;
export type DoctorFinding = z.infer<typeof DoctorFinding>;
export type DoctorReport = z.infer<typeof DoctorReport>;
