// "Load workshop bundle…": the path of a bundle file (typed in a browser, picked in Electron), its
// load with progress (phase, bytes, rate, time left), then what it brought or why it was refused.
import { useState } from 'react';
import { formatBytes, formatMs } from '../lens/format.js';
import { bytesText, phaseText } from './bundle-progress.js';
import { useDialog } from './use-dialog.js';
import type { BundleState } from './use-load-bundle.js';

interface Props { state: BundleState; engineHost: string; onLoad(path: string): void; onClose(): void }

export function BundleDialog({ state, engineHost, onLoad, onClose }: Props) {
  const { dialog, initial } = useDialog<HTMLInputElement>();
  const [path, setPath] = useState(state.path);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (path.trim() && !state.busy) onLoad(path.trim());
  };
  const { progress, loaded } = state;
  return (
    <dialog ref={dialog} className="open-folder-dialog bundle-dialog" aria-modal="true" aria-labelledby="bundle-title"
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <form onSubmit={submit}>
        <h2 id="bundle-title">Load workshop bundle</h2>
        <label className="field-label" htmlFor="bundle-path">Path of the bundle file</label>
        <input id="bundle-path" ref={initial} className="path-input" type="text" value={path} onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/workshop.tar" spellCheck={false} autoComplete="off" autoCapitalize="off" readOnly={state.busy}
          aria-describedby="bundle-help" aria-invalid={state.error ? true : undefined} />
        <p id="bundle-help" className="field-help">
          A file made by <code>labvisor bundle create</code>, {engineHost}. Its images load into the Docker engine, so its labs start without a network.
        </p>
        {state.busy && (
          <div className="bundle-progress" role="status" aria-live="polite">
            <p className="bundle-phase">{progress ? phaseText(progress) : 'Reading the bundle'}…</p>
            <progress max={progress?.totalBytes || 1} value={progress?.doneBytes ?? 0} aria-label="Bundle load progress" />
            {progress && <p className="field-help">{bytesText(progress)}</p>}
          </div>
        )}
        {loaded && (
          <div className="bundle-loaded" role="status">
            <p><strong>Loaded.</strong> {loaded.labs.length} {loaded.labs.length === 1 ? 'lab' : 'labs'} and {loaded.images} images
              ({formatBytes(loaded.bytes)}, {loaded.platforms.join(', ')}) in {formatMs(loaded.ms)}.</p>
            <p className="field-help">Labs in this bundle: {loaded.labs.join(', ')}.</p>
          </div>
        )}
        {state.error && (
          <div className="error-box" role="alert">
            <p className="error-lead">This bundle was not loaded:</p>
            <pre className="lint-output">{state.error}</pre>
          </div>
        )}
        <div className="dialog-buttons">
          {loaded
            ? <button type="button" className="button primary" onClick={onClose}>Done</button>
            : (
              <>
                <button type="button" className="button" onClick={onClose} disabled={state.busy}>Cancel</button>
                <button type="submit" className="button primary" disabled={state.busy || !path.trim()}>
                  {state.busy && <span className="spinner" aria-hidden="true" />} Load
                </button>
              </>
            )}
        </div>
      </form>
    </dialog>
  );
}
