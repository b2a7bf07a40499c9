// "Do you trust this lab?" (as VS Code's Workspace Trust): an opened lab folder that asks for more
// than the safe default lists each thing it asks for, where lab.yaml asks for it. Trusting calls
// trustLab with the hash of what was shown; a folder changed since is shown again, never trusted
// blindly. Refusing (also Escape) is the default: the lab stays in the catalog and does not start.
import { useCallback, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';
import type { TrustGate, TrustQuestion } from './trust-gate.js';
import { useDialog } from './use-dialog.js';

/** The gate's current question, if any, as the trust dialog. */
export function TrustPrompt({ gate }: { gate: TrustGate }) {
  const subscribe = useCallback((changed: () => void) => gate.onChange(changed), [gate]);
  const question = useSyncExternalStore(subscribe, () => gate.current);
  return question ? <TrustDialog key={question.id} question={question} /> : null;
}

function TrustDialog({ question }: { question: TrustQuestion }) {
  const client = useClient();
  const { dialog, initial } = useDialog<HTMLButtonElement>();
  const [trust, setTrust] = useState(question.trust);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // The folder no longer loads: there is nothing left to trust.
  const [broken, setBroken] = useState(false);

  const reviewAgain = async () => {
    try {
      const { trust: now } = await client.call('openLabFolder', { path: question.folder });
      if (now.trusted) return question.answer(true);
      setTrust(now);
    } catch (err) {
      setError(errorText(err));
      setBroken(true);
    }
  };

  const trustIt = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.call('trustLab', { lab: question.lab, hash: trust.hash });
      return question.answer(true);
    } catch (err) {
      const changed = err instanceof ApiError && err.code === 'conflict';
      setError(changed ? `${err.message}. What it asks for now is listed below.` : errorText(err));
      if (changed) await reviewAgain();
    }
    setBusy(false);
  };

  return (
    <dialog ref={dialog} className="trust-dialog" aria-modal="true" aria-labelledby="trust-title" aria-describedby="trust-why"
      onCancel={() => question.answer(false)}>
      <h2 id="trust-title">Do you trust this lab?</h2>
      <p className="trust-folder">
        <span className="muted">Lab <code>{question.lab}</code> from the folder</span>
        <code className="folder-path">{question.folder}</code>
      </p>
      <p id="trust-why" className="trust-why">A lab is code: it runs what it declares on your Docker engine. Trust it only if you trust its author.</p>
      <h3 className="trust-list-title">It asks for more than the safe default:</h3>
      <ul className="trust-reasons">
        {trust.reasons.map((r, i) => (
          <li key={i}><span className="trust-message">{r.message}</span><code className="trust-where">{r.where}</code></li>
        ))}
      </ul>
      {error && <div className="error-box" role="alert"><pre className="error-text">{error}</pre></div>}
      <div className="dialog-buttons">
        <button type="button" className="button warn-solid" disabled={busy || broken} onClick={() => void trustIt()}>
          {busy && <span className="spinner" aria-hidden="true" />} Trust and open
        </button>
        <button type="button" ref={initial} className="button primary" onClick={() => question.answer(false)}>Don&apos;t trust</button>
      </div>
    </dialog>
  );
}
