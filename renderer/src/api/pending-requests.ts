// Requests sent and not yet answered, by id: the part of the API client that does not care
// about the transport. Free of DOM and React so the unit tests can import it.
import { ApiError, type ResponseMessage } from '../../../electron/shared/api.js';

interface Waiting { method: string; resolve: (result: unknown) => void; reject: (error: Error) => void }

/** The transport went away with the request unanswered: the UI says so instead of hanging. */
export class ConnectionLostError extends Error {
  constructor(method: string, why: string) {
    super(`${method}: the connection to Labvisor was lost (${why}); it is reconnecting — try again in a moment`);
    this.name = 'ConnectionLostError';
  }
}

export class PendingRequests {
  private next = 1;
  private readonly waiting = new Map<number, Waiting>();

  /** A new request id and the promise its response settles. */
  add(method: string): { id: number; promise: Promise<unknown> } {
    const id = this.next++;
    const promise = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { method, resolve, reject }));
    return { id, promise };
  }

  /** Settles the request a response answers; false when no request has its id. */
  settle(response: ResponseMessage): boolean {
    if (typeof response.id !== 'number') return false;
    const w = this.waiting.get(response.id);
    if (!w) return false;
    this.waiting.delete(response.id);
    if (response.ok) w.resolve(response.result);
    else w.reject(new ApiError(response.error.code, response.error.message));
    return true;
  }

  /** Rejects one request (it could not be sent). */
  fail(id: number, error: Error): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w.reject(error);
  }

  /** Rejects every request in flight: the connection dropped and their answers will never come. */
  failAll(why: string): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(new ConnectionLostError(w.method, why));
  }

  get size(): number { return this.waiting.size; }
}
