// Decoded JSON in, the API called, a checked response out: the one place a request meets the
// engine, whatever the transport (the WebSocket of `labvisor serve` and Electron's IPC bridge). Never throws.
import {
  ApiError, METHODS, parseRequest, describeIssues, type LabApi, type Method, type ResponseMessage,
} from '../shared/api.js';
import { toApiError } from './api-errors.js';
import { stackWhenDebugging } from '../engine/error-log.js';

export type Dispatched =
  /** Send this response. */
  | { kind: 'reply'; response: ResponseMessage }
  /** Not a request at all (no id or method): nothing to answer; the transport closes with `reason`. */
  | { kind: 'refuse'; reason: string };

export async function dispatch(api: LabApi, data: unknown, log: (line: string) => void = () => {}): Promise<Dispatched> {
  const parsed = parseRequest(data);
  if (!parsed.ok) {
    log(`refused a request: ${parsed.message}`);
    if (parsed.id === null) return { kind: 'refuse', reason: parsed.message };
    return { kind: 'reply', response: { type: 'response', id: parsed.id, ok: false, error: { code: 'bad-request', message: parsed.message } } };
  }
  const { id, method, params } = parsed.request;
  try {
    const call = api[method] as (p: unknown) => Promise<unknown>;
    const result = await call.call(api, params);
    // The engine must keep the contract too: a result that does not fit is a bug, reported as such.
    const checked = METHODS[method as Method].result.safeParse(result);
    if (!checked.success) throw new ApiError('internal', `${method} returned a result that breaks the API contract: ${describeIssues(checked.error, 'result')}`);
    return { kind: 'reply', response: { type: 'response', id, ok: true, result: checked.data } };
  } catch (err) {
    const e = toApiError(err, method);
    // One line (an unforeseen error's names the log file holding its stack); the stack here only when debugging.
    if (e.code === 'internal') log(`${method} failed: ${e.message}${stackWhenDebugging(err)}`);
    return { kind: 'reply', response: { type: 'response', id, ok: false, error: { code: e.code, message: e.message } } };
  }
}
