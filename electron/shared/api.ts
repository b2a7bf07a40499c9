// The LabApi contract: every request, response and event between a UI and the engine, as zod
// schemas (checked at every boundary) and the TypeScript types inferred from them. One contract,
// two hosts: Electron carries it over IPC, `labvisor serve` over one WebSocket (api-wire.ts).
// The values it carries are in api-types.ts and lens-types.ts (re-exported here: importers need
// only this file), the shapes of names and ids in ids.ts.
/* eslint-disable max-lines -- what stays here is METHODS, one table that both hosts and the
   renderer check every call against, best read whole. */
// Shared with the renderer: zod only, never a Node module or the engine.
import { z } from 'zod';
import { castFile, labName, recordingIdSchema, sessionId, terminalCells, terminalId } from './ids.js';
import {
  BundleProgress, CheckResult, DoctorReport, LabProgress, LabSummary, ProgressEvent, RecordingSummary, SessionInfo, TerminalInfo, TrustState,
} from './api-types.js';
import { FootprintLens, ImageDiff, ImageLens, KernelLens, ProcessLens, VolumeLens } from './lens-types.js';

export * from './api-types.js';
export * from './lens-types.js';

/** A terminal channel of one connection (a WebSocket or a window), given by attachTerminal. */
const channel = z.number().int().min(1).max(0xffffffff);

/** The longest answer a learner may type to a question step. */
export const ANSWER_MAX_CHARS = 1000;
/**
 * What a learner can type as an answer: one line of text. Control characters (escape sequences,
 * NUL, tabs, line breaks) are refused rather than compared, logged or shown.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const ANSWER_TEXT = /^[^\x00-\x1f\x7f-\x9f]*$/;
const answerText = z.string().min(1, 'must not be empty').max(ANSWER_MAX_CHARS).regex(ANSWER_TEXT, 'must be one line of text without control characters');

// ---- Methods: params → result -----------------------------------------------------------------

const noParams = z.strictObject({}).optional();
const sessionParams = z.strictObject({ session: sessionId });
const stepParams = z.strictObject({ session: sessionId, step: labName });

/** Every method of the API. Params are strict: an unknown field is an error, not ignored. */
export const METHODS = {
  /** What this machine can run: the engine, QEMU, a guest kernel, the base image. */
  doctor: { params: noParams, result: DoctorReport },
  /** The bundled labs, then the lab folders the learner opened. */
  listLabs: { params: noParams, result: z.object({ labs: z.array(LabSummary) }) },
  /**
   * Opens a lab folder (an absolute path on the machine running the engine): lints it and adds it
   * to the catalog. A lab that does not load is a bad-request naming file:line:col. Nothing runs.
   */
  openLabFolder: { params: z.strictObject({ path: z.string().min(1).max(4096) }), result: z.object({ lab: LabSummary, trust: TrustState }) },
  /** The learner trusts an opened lab as it was reviewed (`hash` from its TrustState); a lab changed since is a conflict. */
  trustLab: { params: z.strictObject({ lab: labName, hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a content hash (64 hex digits)') }), result: TrustState },
  /**
   * Loads a workshop bundle (an absolute path on the machine running the engine, made by `labvisor
   * bundle create`): verifies every digest, loads its images into the engine and adds its labs to
   * the catalog; `bundle` events report progress. One load at a time (else conflict).
   */
  loadBundle: {
    params: z.strictObject({ path: z.string().min(1).max(4096) }),
    result: z.object({ labs: z.array(z.string()), images: z.number(), bytes: z.number(), ms: z.number(), platforms: z.array(z.string()) }),
  },
  /** Removes an opened lab from the catalog (its folder is untouched). */
  closeLabFolder: { params: z.strictObject({ lab: labName }), result: z.object({}) },
  /** A step as the player shows it: markdown, hints (opened one at a time), the solution, whether it has a check and how often to poll it. */
  getStep: {
    params: z.strictObject({ lab: labName, step: labName }),
    result: z.object({
      lab: z.string(), step: z.string(), title: z.string(), markdown: z.string(),
      hints: z.array(z.string()),
      solution: z.array(z.object({ machine: z.string(), script: z.string() })),
      /** False for a step that only explains: it passes when the learner moves on. */
      hasCheck: z.boolean(),
      /** Seconds between automatic checks; absent when the check runs on click only. */
      poll: z.number().optional(),
      /** A question step's question, without its answer: the learner passes it with answerStep. */
      question: z.object({ prompt: z.string(), choices: z.array(z.string()).optional() }).optional(),
    }),
  },
  /** The sessions this host runs (a UI that reconnects finds its session here). */
  listSessions: { params: noParams, result: z.object({ sessions: z.array(SessionInfo) }) },
  /** Starts a lab of the catalog (an opened one only when trusted or needing no trust: else trust-required); `session` events (state "starting" first, with the id) and `progress` events follow until the result. */
  startLab: { params: z.strictObject({ lab: labName }), result: SessionInfo },
  /** Runs a step's check. */
  checkStep: { params: stepParams, result: CheckResult },
  /** Answers a question step: a choice's text, or a typed value compared with what a machine computes now. */
  answerStep: { params: z.strictObject({ session: sessionId, step: labName, answer: answerText }), result: CheckResult },
  /** Runs a step's solution (not its check). */
  solveStep: { params: stepParams, result: CheckResult },
  /**
   * Catches the session up to a later step ("Skip to this step"): every earlier step whose check
   * fails gets its solution, then its check. Stops at the first step that does not pass (`reached`
   * is that step, its outcome the check's messages). A `progress` event (task "catch up") per step;
   * the learner's progress is saved (steps passed, currentStep = reached).
   */
  catchUp: {
    params: stepParams,
    result: z.object({
      steps: z.array(z.object({ id: z.string(), ok: z.boolean(), how: z.enum(['already', 'solved', 'question', 'explain']), messages: z.array(z.string()) })),
      reached: z.string(),
    }),
  },
  /** Makes machines and volumes anew (images kept); progress events follow. */
  resetLab: { params: sessionParams, result: SessionInfo },
  /** What the learner has done in a lab (kept in the user's data folder; empty when nothing yet). */
  getProgress: { params: z.strictObject({ lab: labName }), result: LabProgress },
  /** Saves it whole; step ids must be the lab's. */
  saveProgress: {
    params: z.strictObject({
      lab: labName, currentStep: labName.optional(), passed: z.array(labName).max(100),
      hintsShown: z.record(labName, z.number().int().min(0).max(100)), solutionsShown: z.array(labName).max(100),
    }),
    result: LabProgress,
  },
  /** "Start over": forgets the lab's progress. */
  clearProgress: { params: z.strictObject({ lab: labName }), result: z.object({}) },
  /** Stops the session and removes everything it made. */
  stopLab: { params: sessionParams, result: SessionInfo },
  /**
   * A terminal on a machine of a running session: a new shell in a container or on the host;
   * a VM's serial console is one terminal, so opening it again returns the same one.
   */
  openTerminal: { params: z.strictObject({ session: sessionId, machine: labName, cols: terminalCells, rows: terminalCells }), result: TerminalInfo },
  /** The terminals of a session that are still open (a reloaded UI re-attaches to them). */
  listTerminals: { params: sessionParams, result: z.object({ terminals: z.array(TerminalInfo) }) },
  /**
   * Streams a terminal to this connection: its scrollback first, then live output, over a
   * channel of this connection (binary frames on the WebSocket; a MessagePort in Electron).
   * The UI picks the channel number (unused on this connection), so it can listen before asking:
   * frames may arrive before the response.
   */
  attachTerminal: { params: z.strictObject({ terminal: terminalId, channel }), result: z.object({ channel }) },
  /** Stops streaming on a channel; the terminal keeps running. */
  detachTerminal: { params: z.strictObject({ channel }), result: z.object({}) },
  /** The Docker host's processes by owner (host, each container, each VM); a session's machines only when given. */
  lensProcesses: { params: z.strictObject({ session: sessionId.optional() }), result: ProcessLens },
  /** Kernel facts read in every machine, with whether it shares the host's kernel. */
  lensKernels: { params: z.strictObject({ session: sessionId.optional() }), result: KernelLens },
  /** Start phases and memory over time per machine, per run (a live session gets a new memory sample). */
  lensFootprint: { params: z.strictObject({ session: sessionId.optional() }), result: FootprintLens },
  /** A session's images (the lab's and those the learner built) with layers and history. */
  lensImages: { params: sessionParams, result: ImageLens },
  /** The layer diff of two of the session's images. */
  lensImageDiff: { params: z.strictObject({ session: sessionId, from: z.string().min(1).max(256), to: z.string().min(1).max(256) }), result: ImageDiff },
  /** A session volume's files and sizes, and the backups taken of it. */
  lensVolume: { params: z.strictObject({ session: sessionId, volume: labName }), result: VolumeLens },
  /** Ends a terminal and what runs in it; every attached UI gets its exit. */
  closeTerminal: { params: z.strictObject({ terminal: terminalId }), result: z.object({}) },
  /** Records the session's terminals (those open and those opened later) until stopRecording or the session stops. */
  startRecording: { params: sessionParams, result: z.object({ id: z.string() }) },
  /** Stops the session's recording; its files stay in the data folder. */
  stopRecording: { params: sessionParams, result: z.object({ id: z.string(), notice: z.string().optional() }) },
  /** A marker in the running recording (the player sends the step's title when the step changes). */
  markRecording: { params: z.strictObject({ session: sessionId, label: z.string().min(1).max(200).regex(ANSWER_TEXT, 'must be one line of text without control characters') }), result: z.object({}) },
  /** Every recording in the data folder, newest first. */
  listRecordings: { params: noParams, result: z.object({ recordings: z.array(RecordingSummary) }) },
  /** One terminal's recording: the .cast text (asciicast v2). */
  getRecording: {
    params: z.strictObject({ id: recordingIdSchema, file: castFile }),
    result: z.object({ id: z.string(), file: z.string(), text: z.string() }),
  },
} as const;

export type Method = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as Method[];
export type Params<M extends Method> = z.input<(typeof METHODS)[M]['params']>;
export type Result<M extends Method> = z.infer<(typeof METHODS)[M]['result']>;

/** The API as both hosts implement it and as the renderer's client exposes it. */
export type LabApi = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

// ---- Messages -------------------------------------------------------------------------------

export const RequestId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);

/** UI → engine. The envelope is checked first; then `params` against the method. */
export const RequestEnvelope = z.strictObject({
  id: RequestId,
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

export type RequestMessage = { [M in Method]: { id: z.infer<typeof RequestId>; method: M; params?: Params<M> } }[Method];

export const ErrorCode = z.enum([
  'bad-request', // the message does not fit the contract
  'not-found', // no such lab, step or session
  'conflict', // the session is not in a state that allows it (starting, stopped …)
  'trust-required', // the lab needs the user's trust (bundled labs never do)
  'engine', // the Docker engine is unreachable or refused
  'internal', // anything else: the message says what
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.object({ code: ErrorCode, message: z.string() });

export const Response = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: RequestId.nullable(), ok: z.literal(false), error: ApiErrorBody }),
]);
export type ResponseMessage = z.infer<typeof Response>;

/**
 * The Docker engine as the host sees it while sessions run: "down" when it stopped answering (the
 * sessions' machines are stopping with it), "up" when it answers again; `ended` names the sessions
 * it ended (their leftovers removed: the learner starts over).
 */
export const EngineStatus = z.object({
  state: z.enum(['down', 'up']),
  message: z.string(),
  ended: z.array(sessionId).optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

/** Sent first on every connection: `boot` changes when the server process is a new one (it restarted). */
export const ServerHello = z.object({ boot: z.string() });

/** Engine → UI, unasked. Sessions belong to the host, not to a connection: every UI gets every event. */
export const Event = z.discriminatedUnion('event', [
  z.object({ type: z.literal('event'), event: z.literal('progress'), session: sessionId, progress: ProgressEvent }),
  z.object({ type: z.literal('event'), event: z.literal('session'), session: SessionInfo }),
  z.object({ type: z.literal('event'), event: z.literal('bundle'), progress: BundleProgress }),
  z.object({ type: z.literal('event'), event: z.literal('engine'), engine: EngineStatus }),
  z.object({ type: z.literal('event'), event: z.literal('server'), server: ServerHello }),
]);
export type EventMessage = z.infer<typeof Event>;

/** Everything the engine sends as JSON. */
export const ServerMessage = z.union([Response, Event]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** An error an API method reports to the UI, with a code the UI can act on. */
export class ApiError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A zod error in one line a person can read: `params.step: must be … ; method: …`. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => {
    const at = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return at ? `${at}: ${i.message}` : i.message;
  }).join('; ');
}


export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Checks a decoded request. A wrong envelope (no id, no method) cannot be answered; a wrong
 * method or params is answered with a `bad-request` error naming the field.
 */
export function parseRequest(data: unknown): { ok: true; request: RequestMessage } | { ok: false; id: z.infer<typeof RequestId> | null; message: string } {
  const envelope = RequestEnvelope.safeParse(data);
  if (!envelope.success) return { ok: false, id: null, message: `not a request: ${describeIssues(envelope.error)}` };
  const { id, method } = envelope.data;
  if (!Object.hasOwn(METHODS, method)) {
    return { ok: false, id, message: `unknown method "${method.slice(0, 64)}"; expected one of: ${METHOD_NAMES.join(', ')}` };
  }
  const params = METHODS[method as Method].params.safeParse(envelope.data.params);
  if (!params.success) return { ok: false, id, message: `${method}: ${describeIssues(params.error, 'params')}` };
  return { ok: true, request: { id, method, params: params.data } as RequestMessage };
}
