// The process lens: the Docker host's process table grouped by owner, live. A container's
// processes are host processes with a second PID inside its namespace; a VM is one QEMU process
// whose guest runs processes the host cannot see. Pointing at a process highlights it, its
// owner's group and that machine's terminal tab, with the host PID ↔ namespace PID pair.
import { useCallback, useMemo, useState } from 'react';
import { useClient } from '../app/client-context.js';
import { MachineIcon, SearchIcon } from '../app/icons.js';
import { KIND_LABEL } from '../app/machine-kinds.js';
import { formatKb } from './format.js';
import type { Highlight } from './lenses.js';
import { LensFrame } from './LensFrame.js';
import { groupProcesses, initProcess, type LensProcess, type ProcessGroup } from './process-groups.js';
import { usePolled } from './use-polled.js';

interface Props { session: string; highlight: Highlight | null; onHighlight(h: Highlight | null): void }

/** The machine a group stands for in the other views: a lab machine, else its own name. */
const machineOf = (g: ProcessGroup) => g.owner.machine ?? g.owner.name;

export function ProcessLens({ session, highlight, onHighlight }: Props) {
  const client = useClient();
  const [wholeHost, setWholeHost] = useState(false);
  const [query, setQuery] = useState('');
  const [paused, setPaused] = useState(false);
  // The host's own list is long and rarely the point: folded until asked for (or filtered).
  const [open, setOpen] = useState<Record<string, boolean>>({ 'host:host': false });
  const fetch = useCallback(() => client.call('lensProcesses', wholeHost ? {} : { session }), [client, session, wholeHost]);
  const { data, error } = usePolled(fetch, 1000, paused);
  const groups = useMemo(() => (data ? groupProcesses(data, query) : []), [data, query]);
  const all = data?.processes ?? [];
  const chosen = highlight?.pid !== undefined ? all.find((p) => p.pid === highlight.pid) : undefined;

  const point = (g: ProcessGroup, p: LensProcess) => {
    const same = highlight?.pid === p.pid;
    onHighlight(same ? null : { machine: machineOf(g), pid: p.pid });
  };

  const tools = (
    <>
      <label className="lens-search">
        <SearchIcon />
        <span className="visually-hidden">Filter processes</span>
        <input type="search" placeholder="Filter: command, PID, machine" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <label className="lens-check">
        <input type="checkbox" checked={wholeHost} onChange={(e) => setWholeHost(e.target.checked)} /> Every container
      </label>
    </>
  );

  return (
    <LensFrame intro="The Docker host's processes by owner: a container's are host processes with a second PID inside it; a VM is one QEMU process."
      liveEveryMs={1000} paused={paused} onPause={setPaused} error={error} loading={!data} tools={tools}>
      {chosen && <PidPair process={chosen} group={groups.find((g) => g.key === `${chosen.owner.kind}:${chosen.owner.name}`)} onClear={() => onHighlight(null)} />}
      <div className="lens-scroll">
        <table className="lens-table process-table">
          <caption className="visually-hidden">Processes by owner{query ? `, filtered by “${query}”` : ''}</caption>
          <colgroup><col className="c-pid" /><col className="c-pid" /><col className="c-pid" /><col className="c-size" /><col /></colgroup>
          <thead>
            <tr>
              <th scope="col" className="num">Host PID</th>
              <th scope="col" className="num" title="The PID inside the process's own PID namespace (NSpid)">NS PID</th>
              <th scope="col" className="num">PPID</th>
              <th scope="col" className="num">RSS</th>
              <th scope="col">Command</th>
            </tr>
          </thead>
          {groups.map((g) => {
            const folded = !query && open[g.key] === false;
            const lit = highlight?.machine === machineOf(g);
            const init = initProcess(g, all);
            return (
              <tbody key={g.key} data-owner={machineOf(g)} data-kind={g.owner.kind} className={lit ? 'lit' : undefined}>
                <tr className="group-row">
                  <th colSpan={5} scope="colgroup">
                    <div className="group-head">
                      <button type="button" className="fold" aria-expanded={!folded} onClick={() => setOpen((o) => ({ ...o, [g.key]: folded }))}>
                        <span className="chevron" aria-hidden="true">{folded ? '▸' : '▾'}</span>
                        <MachineIcon kind={g.owner.kind} />
                        <span className="group-name">{machineOf(g)}</span>
                        <span className="tab-kind">{KIND_LABEL[g.owner.kind]}</span>
                      </button>
                      <span className="group-facts num">
                        {g.owner.processes} host process{g.owner.processes === 1 ? '' : 'es'} · {formatKb(g.owner.rssKb)}
                      </span>
                      {g.owner.kind === 'vm' && g.owner.guestProcesses !== undefined && (
                        <span className="guest-count" data-guest-processes={g.owner.guestProcesses}>
                          + {g.owner.guestProcesses} inside the guest, invisible to the host
                        </span>
                      )}
                      {init && (
                        <button type="button" className={`pid-chip ${highlight?.pid === init.pid ? 'on' : ''}`} aria-pressed={highlight?.pid === init.pid}
                          data-init-pid={init.pid} onClick={() => point(g, init)}
                          title={g.owner.kind === 'vm' ? 'Highlight the QEMU process: the whole VM' : "Highlight the container's first process"}>
                          {g.owner.kind === 'vm' ? 'QEMU' : 'init'} <b className="num">{init.pid}</b>
                          {g.owner.kind === 'container' && <> ↔ <b className="num">{init.nspid}</b></>}
                        </button>
                      )}
                    </div>
                  </th>
                </tr>
                {!folded && g.processes.map((p) => (
                  <tr key={p.pid} data-pid={p.pid} className={`proc-row ${highlight?.pid === p.pid ? 'lit-row' : ''}`}>
                    <td className="num">
                      <button type="button" className="pid-button" aria-pressed={highlight?.pid === p.pid} onClick={() => point(g, p)}
                        aria-label={`Highlight process ${p.pid}`}>{p.pid}</button>
                    </td>
                    <td className={`num ${p.nspid !== p.pid ? 'ns-differs' : 'muted'}`}>{p.nspid}</td>
                    <td className="num muted">{p.ppid}</td>
                    <td className="num">{formatKb(p.rssKb)}</td>
                    <td className="command" title={p.command}>{p.command}</td>
                  </tr>
                ))}
                {folded && (
                  <tr className="folded-row"><td colSpan={5} className="muted">{g.owner.processes} processes folded — open the group or filter to see them</td></tr>
                )}
              </tbody>
            );
          })}
        </table>
        {groups.length === 0 && data && <p className="lens-empty">No process matches “{query}”.</p>}
      </div>
    </LensFrame>
  );
}

/** The highlighted process, its two PIDs side by side: what the host calls it, what its namespace calls it. */
function PidPair({ process: p, group, onClear }: { process: LensProcess; group: ProcessGroup | undefined; onClear(): void }) {
  const vm = p.owner.kind === 'vm';
  return (
    <div className="pid-pair" role="status" data-pid={p.pid}>
      <div className="pair-side"><span className="pair-label">Host PID</span><span className="pair-value num">{p.pid}</span></div>
      <span className="pair-arrow" aria-hidden="true">↔</span>
      <div className="pair-side">
        <span className="pair-label">{vm ? 'Inside the VM' : p.owner.kind === 'container' ? 'PID in the container' : 'PID (host namespace)'}</span>
        <span className="pair-value num">{vm ? `${group?.owner.guestProcesses ?? '?'} processes` : p.nspid}</span>
      </div>
      <p className="pair-note">
        <b>{p.owner.machine ?? p.owner.name}</b>: {vm
          ? 'the host sees one QEMU process; the guest kernel runs its own processes inside it.'
          : p.nspid !== p.pid ? 'one process, two numbers: the kernel gives it a PID in each PID namespace it lives in.' : 'a host process: one PID namespace, one number.'}
        {' '}<code className="pair-command" title={p.command}>{p.command}</code>
      </p>
      <button type="button" className="icon-button" aria-label="Clear the highlight" onClick={onClear}>✕</button>
    </div>
  );
}
