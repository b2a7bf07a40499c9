// The lab's terminals: one tab per machine, or all of them side by side (split view). A machine
// that could not start shows why, and the fix, where its terminal would be; so does one that
// stopped by itself (a VM whose runner died).
import { useRef, type RefObject } from 'react';
import type { MachineStatus, TerminalInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { MachineIcon } from '../app/icons.js';
import { KIND_LABEL } from '../app/machine-kinds.js';
import type { Zoom } from './font-size.js';
import { TerminalView, type TerminalHandle } from './TerminalView.js';

export interface TerminalPanelProps {
  client: LabClient;
  machines: MachineStatus[];
  terminals: Record<string, TerminalInfo>;
  exited: Record<string, string>;
  active: string | undefined;
  split: boolean;
  fontSize: number;
  contrast: boolean;
  /** Why a machine is unavailable, with the fix when doctor knows one. */
  fixFor(machine: MachineStatus): string | undefined;
  handles: RefObject<Map<string, TerminalHandle>>;
  /** Shows a machine's terminal; `focus` moves the keyboard there too (a tab's click, not its arrow keys). */
  onActivate(machine: string, focus: boolean): void;
  onSplit(split: boolean): void;
  onZoom(zoom: Zoom): void;
  onExit(machine: string, why: string): void;
  onReopen(machine: string): void;
}

export function TerminalPanel(props: TerminalPanelProps) {
  const { machines, terminals, active, split } = props;
  const tablist = useRef<HTMLDivElement>(null);
  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = machines[(i + step + machines.length) % machines.length];
    if (next) {
      props.onActivate(next.name, false);
      tablist.current?.querySelector<HTMLButtonElement>(`#tab-${next.name}`)?.focus();
    }
  };
  return (
    <section className={`terminal-panel ${split ? 'split' : 'tabs'}`} aria-label="Terminals">
      <div className="terminal-toolbar">
        <div className="terminal-tabs" role="tablist" aria-label="Machines" ref={tablist}>
          {machines.map((m, i) => (
            <button key={m.name} id={`tab-${m.name}`} type="button" role="tab"
              aria-selected={m.name === active} aria-controls={`pane-${m.name}`} tabIndex={m.name === active ? 0 : -1}
              className={`terminal-tab ${m.name === active ? 'active' : ''} ${m.unavailable || m.stopped || props.exited[m.name] ? 'down' : ''}`}
              onClick={() => props.onActivate(m.name, true)} onKeyDown={(e) => onTabKey(e, i)}>
              <MachineIcon kind={m.kind} />
              <span className="tab-name">{m.name}</span>
              <span className="tab-kind">{KIND_LABEL[m.kind]}</span>
              {m.stopped && <span className="visually-hidden"> (stopped)</span>}
            </button>
          ))}
        </div>
        {/* The way out is on the frame, where a keyboard user stuck in a shell looks for it. */}
        <span className="terminal-escape muted"><kbd>F6</kbd> <span className="long">leaves the terminal</span><span className="short">leaves</span></span>
        <div className="terminal-actions">
          <button type="button" className="icon-button" aria-pressed={split} title="Split view: every terminal at once"
            onClick={() => props.onSplit(!split)}><span aria-hidden="true">{split ? '▣' : '◫'}</span><span className="visually-hidden">Split view</span></button>
          <button type="button" className="icon-button" title="Smaller font (Ctrl+-)" onClick={() => props.onZoom('out')}><span aria-hidden="true">A−</span><span className="visually-hidden">Smaller terminal font</span></button>
          <button type="button" className="icon-button" title="Larger font (Ctrl+=)" onClick={() => props.onZoom('in')}><span aria-hidden="true">A+</span><span className="visually-hidden">Larger terminal font</span></button>
        </div>
      </div>
      <div className={`terminal-grid count-${machines.length}`}>
        {machines.map((m) => {
          const shown = split || m.name === active;
          const info = terminals[m.name];
          return (
            <div key={m.name} id={`pane-${m.name}`} role="tabpanel" aria-labelledby={`tab-${m.name}`}
              className={`terminal-pane ${shown ? '' : 'hidden'} ${m.name === active ? 'active' : ''}`}
              onMouseDown={() => { if (m.name !== active) props.onActivate(m.name, false); }}>
              {split && (
                <div className="pane-title"><MachineIcon kind={m.kind} /> {m.name}</div>
              )}
              {m.unavailable ? (
                <div className="pane-message error" role="alert">
                  <strong>{m.name} could not start.</strong>
                  <p>{m.unavailable}</p>
                  {props.fixFor(m) && <p className="fix">Fix: <code>{props.fixFor(m)}</code></p>}
                </div>
              ) : m.stopped ? (
                <div className="pane-message error" role="alert">
                  <strong>{m.name} stopped.</strong>
                  {/* Focusable, so a keyboard can scroll the console lines it ends with. */}
                  <pre className="stopped-why" tabIndex={0}>{m.stopped}</pre>
                  <p>Reset the lab to start it again.</p>
                </div>
              ) : info ? (
                <>
                  <TerminalView client={props.client} info={info} fontSize={props.fontSize} contrast={props.contrast} visible={shown}
                    onZoom={props.onZoom} onExit={(exit) => props.onExit(m.name, exit.reason ?? `exited with code ${exit.code}`)}
                    ref={(h) => {
                      if (h) props.handles.current.set(m.name, h);
                      else props.handles.current.delete(m.name);
                    }} />
                  {props.exited[m.name] && (
                    <div className="pane-banner">
                      <span>{props.exited[m.name]}</span>
                      <button type="button" className="button small" onClick={() => props.onReopen(m.name)}>Open a new shell</button>
                    </div>
                  )}
                </>
              ) : props.exited[m.name] ? (
                // No terminal yet and the first open failed (a reload while the machine is stopped): say why, not spin.
                <div className="pane-message error" role="alert">
                  <p>{props.exited[m.name]}</p>
                  <button type="button" className="button small" onClick={() => props.onReopen(m.name)}>Open a new shell</button>
                </div>
              ) : (
                <div className="pane-message"><span className="spinner" aria-hidden="true" /> Opening a terminal on {m.name}…</div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
