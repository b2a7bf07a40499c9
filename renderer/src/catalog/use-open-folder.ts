// Opening a lab folder, from the button, the O key or a drop: Electron's folder picker gives the
// path; a browser asks for it (the path dialog). The engine lints the folder (errors go back to
// the path dialog, and nothing was added); a lab that needs trust asks the learner before
// `opened` puts it in the catalog, trusted or marked "Needs trust".
import { useCallback, useRef, useState } from 'react';
import { errorText, useClient } from '../app/client-context.js';
import type { PathPrompt } from './OpenFolderDialog.js';
import type { TrustGate } from './trust-gate.js';

export function useOpenFolder(gate: TrustGate, opened: (lab: string) => void) {
  const client = useClient();
  const [prompt, setPrompt] = useState<PathPrompt>();
  // Each attempt's number: an answer to a prompt the learner cancelled meanwhile shows no dialog.
  const attempt = useRef(0);

  const open = useCallback(async (path: string, dropped?: string) => {
    const mine = ++attempt.current;
    setPrompt((p) => p && { ...p, path, busy: true, error: undefined });
    try {
      const { lab, trust } = await client.call('openLabFolder', { path });
      const current = mine === attempt.current;
      setPrompt(undefined);
      if (current && lab.source === 'folder' && !trust.trusted) await gate.ask(lab.id, lab.folder ?? path, trust);
      opened(lab.id);
    } catch (err) {
      if (mine === attempt.current) setPrompt({ path, dropped, error: errorText(err) });
    }
  }, [client, gate, opened]);

  /** The button and the O key: the picker in Electron, the path dialog in a browser. */
  const choose = useCallback(async () => {
    if (!client.pickLabFolder) return setPrompt({ path: '' });
    const path = await client.pickLabFolder();
    if (path) await open(path);
  }, [client, open]);

  /** A file or folder dropped on the catalog. */
  const dropped = useCallback((file: File) => {
    const path = client.pathForFile?.(file);
    // Dropping the lab.yaml itself means its folder.
    if (path) void open(file.name === 'lab.yaml' ? path.replace(/[\\/]lab\.yaml$/, '') : path);
    else setPrompt({ path: '', dropped: file.name });
  }, [client, open]);

  const cancel = useCallback(() => {
    attempt.current++;
    setPrompt(undefined);
  }, []);

  return { prompt, open, choose, dropped, cancel };
}
