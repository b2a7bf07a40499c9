// The path of a lab folder, typed: what a browser needs (it never tells a page where a folder is,
// not even a dropped one), and where any host shows why a folder could not be opened — the
// engine's lint output, one `lab.yaml:LINE:COL: message` per line, with the path kept to fix and retry.
import { useState } from 'react';
import { useDialog } from './use-dialog.js';

export interface PathPrompt {
  path: string;
  /** The name of a folder dropped in a browser, which hid its path. */
  dropped?: string;
  error?: string;
  busy?: boolean;
}

interface Props { prompt: PathPrompt; engineHost: string; onSubmit(path: string): void; onCancel(): void }

export function OpenFolderDialog({ prompt, engineHost, onSubmit, onCancel }: Props) {
  const { dialog, initial } = useDialog<HTMLInputElement>();
  const [path, setPath] = useState(prompt.path);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (path.trim() && !prompt.busy) onSubmit(path.trim());
  };
  return (
    <dialog ref={dialog} className="open-folder-dialog" aria-modal="true" aria-labelledby="open-folder-title" onCancel={onCancel}>
      <form onSubmit={submit}>
        <h2 id="open-folder-title">Open lab folder</h2>
        {prompt.dropped && (
          <p className="drop-note">
            Your browser hides where a dropped folder is on disk, so Labvisor cannot open <strong>{prompt.dropped}</strong> by itself.
            Type its full path below.
          </p>
        )}
        <label className="field-label" htmlFor="lab-folder-path">Path of the lab folder</label>
        <input id="lab-folder-path" ref={initial} className="path-input" type="text" value={path} onChange={(e) => setPath(e.target.value)}
          placeholder={`/path/to/${prompt.dropped ?? 'lab-folder'}`} spellCheck={false} autoComplete="off" autoCapitalize="off"
          aria-describedby="lab-folder-help" aria-invalid={prompt.error ? true : undefined} />
        <p id="lab-folder-help" className="field-help">The folder that holds <code>lab.yaml</code>, {engineHost}. Opening a lab runs nothing.</p>
        {prompt.error && (
          <div className="error-box" role="alert">
            <p className="error-lead">This folder could not be opened:</p>
            <pre className="lint-output">{prompt.error}</pre>
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" className="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button primary" disabled={prompt.busy || !path.trim()}>
            {prompt.busy && <span className="spinner" aria-hidden="true" />} Open
          </button>
        </div>
      </form>
    </dialog>
  );
}
