// A modal question before something that cannot be undone (stop, reset, start over).
import { useModal } from './use-modal.js';

export function ConfirmDialog({ title, body, confirm, onConfirm, onCancel }: { title: string; body: string; confirm: string; onConfirm(): void; onCancel(): void }) {
  const dialog = useModal();
  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" onCancel={onCancel}>
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-body">{body}</p>
      <div className="dialog-buttons">
        <button type="button" className="button" autoFocus onClick={onCancel}>Cancel</button>
        <button type="button" className="button danger" onClick={onConfirm}>{confirm}</button>
      </div>
    </dialog>
  );
}
