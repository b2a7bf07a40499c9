// The volume lens: what a session's volume holds, and the backups taken of it — the archives in
// the lab's other volumes, each with how many of the volume's files it really holds. A container
// export, however big, holds none of them: volumes are not part of a container. That is the
// volume-backup lesson in one line. Everything is read on the engine, never on this computer.
import { useCallback, useState } from 'react';
import type { LabSummary } from '../../../electron/shared/api.js';
import { useClient } from '../app/client-context.js';
import { formatBytes, holdsText, holdsVerdict } from './format.js';
import { LensFrame } from './LensFrame.js';
import { usePolled } from './use-polled.js';

export function VolumeLens({ session, lab }: { session: string; lab: LabSummary }) {
  const client = useClient();
  const volumes = lab.volumes;
  const [chosen, setChosen] = useState<string>();

  const volume = chosen ?? volumes[0];
  // Each read mounts the volume in a throwaway helper container: every few seconds is enough.
  const fetch = useCallback(() => client.call('lensVolume', { session, volume: volume! }), [client, session, volume]);
  const { data, error } = usePolled(volume ? fetch : undefined, 4000);

  if (volumes.length === 0) {
    return <LensFrame intro="A volume's files and the backups taken of it." error={undefined} loading={false}>
      <p className="lens-empty">This lab has no volumes.</p>
    </LensFrame>;
  }
  const tools = volumes.length > 1 && (
    <label className="lens-select"><span>Volume</span>
      <select value={volume} onChange={(e) => setChosen(e.target.value)}>{volumes.map((v) => <option key={v}>{v}</option>)}</select>
    </label>
  );
  const current = data?.volume === volume ? data : undefined;
  // Backups are looked for in the lab's other volumes: with one volume, there is nowhere to look.
  const others = volumes.filter((v) => v !== volume);
  return (
    <LensFrame intro="What the volume holds, read through a read-only mount, and the archives in the lab's other volumes: does a backup really hold the data?"
      liveEveryMs={4000} error={error} loading={!current} tools={tools}>
      {current && (
        <div className="lens-scroll volume-lens" data-volume={current.volume}>
          <section aria-labelledby="volume-files">
            <h3 id="volume-files">
              Volume <span className="mono">{current.volume}</span> <span className="muted mono docker-name">{current.dockerName}</span>
            </h3>
            {!current.exists ? <p className="lens-empty warn-text">The volume does not exist now (removed?): its data is only where a backup put it.</p>
              : current.files.length === 0 ? <p className="lens-empty">The volume is empty.</p> : (
                <table className="lens-table file-table">
                  <caption className="visually-hidden">Files in the volume</caption>
                  <thead><tr><th scope="col">Path</th><th scope="col" className="num">Size</th></tr></thead>
                  <tbody>
                    {current.files.map((f) => <tr key={f.path} data-path={f.path}><td className="mono">{f.path}</td><td className="num">{formatBytes(f.sizeBytes)}</td></tr>)}
                  </tbody>
                  <tfoot><tr><th scope="row">{current.files.length} file{current.files.length === 1 ? '' : 's'}</th><td className="num">{formatBytes(current.totalBytes)}</td></tr></tfoot>
                </table>
              )}
          </section>
          <section aria-labelledby="volume-backups">
            <h3 id="volume-backups">Backups <span className="count num">{current.backups.length}</span></h3>
            {current.backups.length === 0 ? <p className="lens-empty">{others.length === 0
              ? 'This lab has no other volume: backups are looked for in a lab\'s other volumes.'
              : <>No archive in {others.length === 1 ? 'the volume' : 'the volumes'} {others.map((v, i) => <span key={v}>{i ? ', ' : ''}<span className="mono">{v}</span></span>)} yet: backups (.tar, .tar.gz) written there appear here as you take them.</>}</p> : (
              <table className="lens-table backup-table">
                <caption className="visually-hidden">Archives in the lab's other volumes and what they hold of this volume</caption>
                <thead><tr><th scope="col">Archive (volume/path)</th><th scope="col" className="num">Size</th><th scope="col" className="num">Taken</th><th scope="col">Holds the data?</th></tr></thead>
                <tbody>
                  {current.backups.map((b) => {
                    const verdict = holdsVerdict(b.holdsVolumeFiles, current.files.length);
                    return (
                      <tr key={b.file} data-backup={b.file}>
                        <td className="mono" title={b.file}>{b.file}</td>
                        <td className="num">{formatBytes(b.sizeBytes)}</td>
                        <td className="num">{new Date(b.modified).toLocaleTimeString()}</td>
                        <td><span className={`holds holds-${verdict}`}>{verdict === 'none' ? '✗ ' : verdict === 'ok' ? '✓ ' : ''}{holdsText(b.holdsVolumeFiles, current.files.length)}</span></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        </div>
      )}
    </LensFrame>
  );
}
