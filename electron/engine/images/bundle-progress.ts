// Bytes moved, as progress events with a rate and an ETA, at most a few per second. The event's
// shape is the API's BundleProgress (shared/api-types.ts); `bundle create` adds its own phase, save.
import type { BundleProgress } from '../../shared/api.js';

const EVERY_MS = 200;

export function byteMeter<P extends string>(phase: P, totalBytes: number, onProgress: (p: Omit<BundleProgress, 'phase'> & { phase: P }) => void = () => {}) {
  const began = performance.now();
  let done = 0;
  let told = 0;
  const tell = () => {
    const s = (performance.now() - began) / 1000;
    const rateBps = s > 0 ? Math.round(done / s) : 0;
    const etaS = rateBps > 0 && totalBytes >= done ? Math.ceil((totalBytes - done) / rateBps) : undefined;
    onProgress({ phase, doneBytes: done, totalBytes, rateBps, ...(etaS === undefined ? {} : { etaS }) });
  };
  return {
    add(n: number): void {
      done += n;
      const now = performance.now();
      if (now - told >= EVERY_MS) {
        told = now;
        tell();
      }
    },
    /** The last event, always sent. */
    end(): void { tell(); },
    get done() { return done; },
  };
}
