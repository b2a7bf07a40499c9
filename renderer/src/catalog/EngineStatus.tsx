// What this machine can run, from `doctor`: the Docker engine (local, in a VM, remote), the VM
// runner and its accelerator on the Docker host, and every problem with its fix. Each finding is
// said once: the accelerator's is the "Virtual machines" fact (its `fix` is advice, not an action).
import { useEffect, useState } from 'react';
import type { DoctorReport } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';

/** Checks whose `fix` explains rather than repairs: shown as a note, not after "Fix:". */
const ADVICE_ONLY = new Set(['accelerator']);

const LOCATION: Record<string, string> = {
  local: 'Docker on this machine',
  vm: 'Docker in a VM on this machine',
  remote: 'Remote Docker engine',
};

export function EngineStatus() {
  const client = useClient();
  const [report, setReport] = useState<DoctorReport>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    client.call('doctor', {}).then((r) => { if (live) setReport(r); }, (err) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [client]);

  if (error) return <section className="engine-status error" aria-label="This machine"><p role="alert">Could not check this machine: {error}</p></section>;
  if (!report) {
    return (
      <section className="engine-status" aria-label="This machine" aria-busy="true">
        <p className="muted"><span className="spinner" aria-hidden="true" /> Checking Docker and QEMU on this machine…</p>
      </section>
    );
  }
  const find = (id: string) => report.checks.find((c) => c.id === id);
  // VMs run in a runner container on the engine: ready when its image (per guest CPU) can be had.
  const vmsReady = !report.checks.some((c) => c.id.startsWith('runner:') && c.status !== 'ok');
  const accel = find('accelerator');
  const vmFact = Boolean(report.engine && vmsReady);
  // The accelerator is told in the "Virtual machines" fact when it shows it.
  const problems = report.checks.filter((c) => c.status !== 'ok' && !(vmFact && c === accel));
  return (
    <section className="engine-status" aria-label="This machine">
      <div className="engine-facts">
        <div className={`fact ${report.engine ? 'ok' : 'error'}`}>
          <span className="fact-label">Containers</span>
          <span className="fact-value" title={report.engine ? `${report.engine.target}, found by ${report.engine.foundBy}` : undefined}>
            {report.engine ? `${LOCATION[report.engine.location]} · Docker ${report.engine.version}` : 'No Docker engine'}
          </span>
        </div>
        <div className={`fact ${vmFact && accel?.status !== 'warn' ? 'ok' : 'warn'}`}>
          <span className="fact-label">Virtual machines</span>
          <span className="fact-value">{!report.engine ? 'No Docker engine' : vmsReady ? (accel ? accel.detail : 'QEMU on the Docker host') : 'No VM runner image: labs run their containers only'}</span>
          {vmFact && accel && accel.status !== 'ok' && accel.fix && <span className="fact-note">{accel.fix}</span>}
        </div>
        {report.engine && (
          <div className="fact ok">
            <span className="fact-label">Docker host</span>
            <span className="fact-value">{report.engine.os} · {report.engine.arch} · kernel {report.engine.kernel}</span>
          </div>
        )}
      </div>
      {problems.length > 0 && (
        <ul className="findings" aria-label="Problems found">
          {problems.map((p) => (
            <li key={p.id} className={p.status}>
              <span className="finding-detail"><strong>{p.id}</strong>: {p.detail}</span>
              {p.fix && (ADVICE_ONLY.has(p.id) ? <span className="finding-note">{p.fix}</span> : <span className="finding-fix">Fix: <code>{p.fix}</code></span>)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
