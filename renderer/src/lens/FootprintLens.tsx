// The footprint lens: what each machine cost to start (its phases) and what it costs to keep
// running (memory over time), for this run and, beside it, an earlier run of the same lab.
// Polling this run's footprint is what takes its memory samples.
import { useCallback, useMemo, useState } from 'react';
import type { LabSummary } from '../../../electron/shared/api.js';
import { useClient } from '../app/client-context.js';
import { defaultPartner, runsOfLab, sharedExtent, type FootprintRun } from './chart-scale.js';
import { formatMs } from './format.js';
import { LensFrame } from './LensFrame.js';
import { MemoryChart } from './MemoryChart.js';
import { PhaseChart } from './PhaseChart.js';
import { usePolled } from './use-polled.js';

interface Props { session: string; lab: LabSummary }

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const runLabel = (r: FootprintRun) => {
  const slowest = Math.max(0, ...r.machines.map((m) => m.readyMs));
  return `${when(r.startedAt)} · ready in ${formatMs(slowest)} · ${r.samples.length} samples`;
};

export function FootprintLens({ session, lab }: Props) {
  const client = useClient();
  const [paused, setPaused] = useState(false);
  // undefined: the newest earlier run; '': compare with nothing; else a session id.
  const [partnerId, setPartnerId] = useState<string>();
  const current = usePolled(useCallback(() => client.call('lensFootprint', { session }), [client, session]), 2000, paused);
  // Earlier runs change only when a lab starts: read them now and then.
  const history = usePolled(useCallback(() => client.call('lensFootprint', {}), [client]), 30_000);
  const run = current.data?.runs[0];
  const others = useMemo(() => runsOfLab(history.data?.runs ?? [], lab.id).filter((r) => r.session !== session), [history.data, lab.id, session]);
  const partner = partnerId === '' ? undefined : partnerId ? others.find((r) => r.session === partnerId) : defaultPartner(others, session);
  const extent = sharedExtent(run ? [run, ...(partner ? [partner] : [])] : []);
  const colorOf = useCallback((machine: string) => Math.max(0, lab.machines.findIndex((m) => m.name === machine)) % 6, [lab.machines]);

  const tools = (
    <label className="lens-select">
      <span>Compare with</span>
      <select value={partner?.session ?? ''} onChange={(e) => setPartnerId(e.target.value)} disabled={!others.length}>
        <option value="">{others.length ? 'no other run' : 'no earlier run of this lab'}</option>
        {others.map((r) => <option key={r.session} value={r.session}>{runLabel(r)}</option>)}
      </select>
    </label>
  );

  return (
    <LensFrame intro="Start time by phase and memory over time, per machine; kept per run to compare with an earlier one."
      liveEveryMs={2000} paused={paused} onPause={setPaused} error={current.error} loading={!current.data} tools={tools}>
      {!run ? <p className="lens-empty">No footprint was recorded for this session.</p> : (
        <div className={`lens-scroll footprint-runs ${partner ? 'compare' : ''}`}>
          {[run, ...(partner ? [partner] : [])].map((r, i) => (
            <section key={r.session} className="footprint-run" data-run={r.session} aria-label={i === 0 ? 'This run' : `Run of ${when(r.startedAt)}`}>
              <h3>{i === 0 ? 'This run' : 'Earlier run'} <span className="muted run-when">{when(r.startedAt)}</span></h3>
              <h4>Start</h4>
              <PhaseChart run={r} maxMs={extent.maxMs} colorOf={colorOf} />
              <h4>Memory</h4>
              {/* Memory shares its scale across runs; time does not (an old run may have been watched for an hour). */}
              <MemoryChart run={r} maxT={sharedExtent([r]).maxT} maxKb={extent.maxKb} colorOf={colorOf} />
            </section>
          ))}
        </div>
      )}
    </LensFrame>
  );
}
