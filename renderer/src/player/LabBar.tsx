// The bar above the player: back to the catalog, the lab's title and state, and the lab's actions.
import type { RefObject } from 'react';
import type { SessionInfo } from '../../../electron/shared/api.js';
import { BackIcon, LensIcon, ResetIcon, StopIcon } from '../app/icons.js';
import type { LabSession } from './use-lab-session.js';
import { RecordButton } from '../recordings/RecordButton.js';

export type Confirm = 'stop' | 'reset' | 'start-over';

interface Props {
  title: string;
  session: SessionInfo | undefined;
  busy: LabSession['busy'];
  saveError: string | undefined;
  lensOpen: boolean;
  lensButton: RefObject<HTMLButtonElement | null>;
  onLeave(): void;
  onToggleLens(): void;
  onConfirm(what: Confirm): void;
}

export function LabBar({ title, session, busy, saveError, lensOpen, lensButton, onLeave, onToggleLens, onConfirm }: Props) {
  const state = session?.state;
  const running = state === 'running';
  const stateLabel = busy === 'stopping' ? 'Stopping…' : running ? 'Running' : state === 'starting' ? 'Starting…' : state === 'resetting' ? 'Resetting…' : 'Not running';
  return (
    <div className="lab-bar" data-session={session?.id}>
      <button type="button" className="button ghost small" onClick={onLeave}><BackIcon /> All labs</button>
      <span className="lab-title">{title}</span>
      <span className={`badge state-${state ?? 'none'}`} role="status">{stateLabel}</span>
      {saveError && <span className="badge warn" title={saveError}>Progress not saved</span>}
      <span className="spacer" />
      <RecordButton session={session} />
      <button type="button" className="button ghost small" ref={lensButton} aria-expanded={lensOpen} aria-controls={lensOpen ? 'lens-panel' : undefined}
        disabled={!running} title={running ? 'Lenses: processes, kernels, footprint, images, volumes (L)' : 'Start the lab to open the lenses'}
        onClick={onToggleLens}><LensIcon /> Lenses</button>
      <button type="button" className="button ghost small" onClick={() => onConfirm('start-over')} disabled={Boolean(busy) || state === 'starting' || state === 'resetting'}>Start over</button>
      <button type="button" className="button ghost small" onClick={() => onConfirm('reset')} disabled={!running || Boolean(busy)}><ResetIcon /> Reset lab</button>
      <button type="button" className="button ghost small danger-text" onClick={() => onConfirm('stop')} disabled={!session || !['running', 'starting', 'resetting'].includes(state ?? '') || Boolean(busy)}><StopIcon /> Stop lab</button>
    </div>
  );
}
