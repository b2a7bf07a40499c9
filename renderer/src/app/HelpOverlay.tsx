// The keyboard shortcuts, as a modal dialog (?).
import { useModal } from './use-modal.js';
import { SHORTCUTS } from './shortcuts.js';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  const dialog = useModal();
  return (
    <dialog ref={dialog} className="help-dialog" aria-labelledby="help-title" onClose={onClose} onCancel={onClose}>
      <div className="dialog-head">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <button type="button" className="icon-button" aria-label="Close" autoFocus onClick={onClose}>✕</button>
      </div>
      <div className="help-groups">
        {SHORTCUTS.map((g) => (
          <section key={g.group} aria-label={g.group}>
            <h3>{g.group}</h3>
            <dl>
              {g.items.map((s) => (
                <div key={s.what} className="shortcut">
                  <dt>{s.keys.map((k, i) => <span key={k}>{i > 0 && <span className="plus">+</span>}<kbd>{k}</kbd></span>)}</dt>
                  <dd>{s.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </dialog>
  );
}
