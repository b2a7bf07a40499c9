// Any error a method throws, as the contract's error: a code the UI can act on, and the message.
// Light on purpose: the transports import it, and they load before the engine does.
import { ApiError } from '../shared/api.js';
import { EngineUnreachableError, TrustRequiredError } from '../engine/errors.js';
import { LabFormatError } from '../engine/labs/diagnostics.js';

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof EngineUnreachableError) return new ApiError('engine', message);
  if (err instanceof TrustRequiredError) return new ApiError('trust-required', message);
  if (err instanceof LabFormatError) return new ApiError('internal', `the lab does not load:\n${message}`);
  return new ApiError('internal', message);
}
