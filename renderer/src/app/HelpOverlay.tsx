// The keyboard shortcuts, as a modal dialog (?). Keys held together (Ctrl + Shift + V) are
// joined with "+", other keys that do the same (J or →) with "or".
import { useModal } from './use-modal.js';
import { SHORTCUTS } from './shortcuts.js';

const MODIFIERS = new Set(['Ctrl', 'Shift', 'Alt', 'Cmd', 'Meta', 'Option']);
/** Keys of one shortcut are pressed together when the first is a modifier; else each works alone. */
const together = (keys: string[]) => MODIFIERS.has(keys[0] ?? '');

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
                  <dt>{s.keys.map((k, i) => <span key={k}>{i > 0 && (together(s.keys) ? <span className="plus">+</span> : <span className="plus">or</span>)}<kbd>{k}</kbd></span>)}</dt>
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
