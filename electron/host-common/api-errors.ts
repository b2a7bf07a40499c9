// Any error a method throws, as the contract's error: a code the UI can act on, and the message
// in words (error-words.ts: never a status code or a stack; the unforeseen ones are logged).
// Light on purpose: the transports import it, and they load before the engine does.
import { ApiError } from '../shared/api.js';
import { EngineUnreachableError, errorMessage, ErrorInWords, TrustRequiredError } from '../engine/errors.js';
import { isEngineError } from '../engine/engine-error-words.js';
import { errorInWords } from '../engine/error-words.js';
import { LabFormatError } from '../engine/labs/diagnostics.js';

/** `context` (the method called) goes into the error log with an unforeseen error's details. */
export function toApiError(err: unknown, context = 'API call'): ApiError {
  if (err instanceof ApiError) return err;
  const message = errorMessage(err);
  if (err instanceof EngineUnreachableError) return new ApiError('engine', message);
  if (err instanceof TrustRequiredError) return new ApiError('trust-required', message);
  if (err instanceof LabFormatError) return new ApiError('internal', `the lab does not load:\n${message}`);
  // Refused by the engine (the words say what to do), as opposed to a fault of ours.
  if (err instanceof ErrorInWords || isEngineError(err)) return new ApiError('engine', errorInWords(err, context));
  return new ApiError('internal', errorInWords(err, context));
}
