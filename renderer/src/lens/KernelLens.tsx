// The kernel lens: what each machine says about the kernel it runs on. The host and its
// containers report one kernel and one boot id; a VM reports its own — the lesson in two tables.
import { useCallback, useState } from 'react';
import { useClient } from '../app/client-context.js';
import { MachineIcon } from '../app/icons.js';
import { formatKb, formatUptime } from './format.js';
import { groupKernels, type KernelMachine } from './kernel-groups.js';
import { machineOfName, type Highlight } from './lenses.js';
import { LensFrame } from './LensFrame.js';
import { usePolled } from './use-polled.js';

interface Props { session: string; highlight: Highlight | null; onHighlight(h: Highlight | null): void }

export function KernelLens({ session, highlight, onHighlight }: Props) {
  const client = useClient();
  const [paused, setPaused] = useState(false);
  const fetch = useCallback(() => client.call('lensKernels', { session }), [client, session]);
  const { data, error } = usePolled(fetch, 3000, paused);
  const groups = data ? groupKernels(data) : undefined;
  const nameOf = (m: KernelMachine) => machineOfName(m.name, m.session ?? session) ?? m.name;

  const table = (id: string, title: string, note: string, rows: KernelMachine[]) => (
    <section className="kernel-group" data-group={id} aria-labelledby={`kernels-${id}`}>
      <h3 id={`kernels-${id}`}>{title} <span className="count num">{rows.length}</span></h3>
      <p className="muted group-note">{note}</p>
      {rows.length === 0 ? <p className="lens-empty">None in this lab.</p> : (
        <table className="lens-table kernel-table">
          <thead>
            <tr>
              <th scope="col">Machine</th><th scope="col" title="uname -r">Kernel</th><th scope="col">Boot id</th>
              <th scope="col" className="num">Uptime</th><th scope="col" className="num">Memory</th>
              <th scope="col" className="num">CPUs</th><th scope="col">Hostname</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => {
              const name = nameOf(m);
              const sameBoot = m.kind !== 'host' && m.bootId !== undefined && m.bootId === groups?.hostBootId;
              return (
                <tr key={m.name} data-machine={name} className={highlight?.machine === name ? 'lit-row' : undefined}>
                  <th scope="row">
                    <button type="button" className="machine-button" aria-pressed={highlight?.machine === name}
                      onClick={() => onHighlight(highlight?.machine === name ? null : { machine: name })}>
                      <MachineIcon kind={m.kind} /> {name}
                    </button>
                  </th>
                  {m.error ? <td colSpan={6} className="lens-cell-error">Could not ask it: {m.error}</td> : (
                    <>
                      <td className="mono">{m.kernel ?? '—'}</td>
                      <td className="mono" title={m.bootId}>
                        {m.bootId ? m.bootId.slice(0, 8) : '—'}
                        {sameBoot && <span className="same-badge">= host</span>}
                      </td>
                      <td className="num">{m.uptimeS !== undefined ? formatUptime(m.uptimeS) : '—'}</td>
                      <td className="num">{m.memTotalKb !== undefined ? formatKb(m.memTotalKb) : '—'}</td>
                      <td className="num">{m.cpus ?? '—'}</td>
                      <td className="mono">{m.hostname ?? '—'}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );

  return (
    <LensFrame intro="Asked inside each machine: uname -r, its boot id, uptime, memory, CPUs and hostname."
      liveEveryMs={3000} paused={paused} onPause={setPaused} error={error} loading={!groups}>
      {groups && (
        <div className="lens-scroll kernel-groups">
          {table('shared', "Shares the host's kernel", 'Same kernel release, same boot id, same uptime: containers are processes of the host kernel (memory and CPUs are what the kernel reports, not a container\'s limits).', groups.shared)}
          {table('own', 'Own kernel', 'Booted a kernel of its own on virtual hardware: its own boot id, uptime since it started, the memory and CPUs QEMU gives it.', groups.own)}
        </div>
      )}
    </LensFrame>
  );
}
