// The image lens: the session's images (the lab's builds and the ones the learner tagged under
// the session's name), each layer with the Dockerfile line that made it, and the layer diff of
// two images — what a rebuild really changed.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ImageDiff, ImageLens as ImageLensData } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';
import { formatBytes, shortDigest } from './format.js';
import { defaultDiffPair, readableCreatedBy, shortRef } from './image-pick.js';
import { LensFrame } from './LensFrame.js';
import { usePolled } from './use-polled.js';

type Layer = ImageLensData['images'][number]['layers'][number];

export function ImageLens({ session }: { session: string }) {
  const client = useClient();
  // The learner may build an image any time (docker build -t lv-<session>-web:v2): look again every few seconds.
  const { data, error } = usePolled(useCallback(() => client.call('lensImages', { session }), [client, session]), 5000);
  const images = useMemo(() => data?.images ?? [], [data]);
  const [chosen, setChosen] = useState<string>();
  const image = images.find((i) => i.ref === chosen) ?? images[0];
  const pair = defaultDiffPair(images);
  const [from, setFrom] = useState<string>();
  const [to, setTo] = useState<string>();
  const diffFrom = from ?? pair?.from;
  const diffTo = to ?? pair?.to;

  return (
    <LensFrame intro="Each layer of an image comes from one step of its Dockerfile. A fix is a new image: compare two and see which layers changed."
      error={error} loading={!data}>
      {images.length === 0 ? (
        <p className="lens-empty">This lab builds no images of its own (its machines run <code>labvisor/base</code>), and none is tagged under this session yet.</p>
      ) : (
        <div className="lens-scroll image-lens">
          <div className="lens-row">
            <label className="lens-select">
              <span>Image</span>
              <select value={image?.ref} onChange={(e) => setChosen(e.target.value)}>
                {images.map((i) => <option key={i.ref} value={i.ref}>{shortRef(i.ref)}</option>)}
              </select>
            </label>
            {image && (
              <dl className="facts">
                <div><dt>Size</dt><dd className="num">{formatBytes(image.sizeBytes)}</dd></div>
                <div><dt>Id</dt><dd className="mono">{shortDigest(image.id)}</dd></div>
                <div><dt>Built</dt><dd className="num">{new Date(image.created).toLocaleString()}</dd></div>
                {image.labels['org.opencontainers.image.version'] && <div><dt>Version label</dt><dd className="mono">{image.labels['org.opencontainers.image.version']}</dd></div>}
              </dl>
            )}
          </div>
          {image && (
            <section aria-labelledby="image-layers">
              <h3 id="image-layers">Layers of <span className="mono">{shortRef(image.ref)}</span> <span className="count num">{image.layers.length}</span></h3>
              <LayerTable layers={image.layers} caption={`Layers of ${image.ref}, oldest first`} />
            </section>
          )}
          {diffFrom && diffTo && images.length > 1 && (
            <section aria-labelledby="image-diff" className="image-diff">
              <h3 id="image-diff">Compare two images</h3>
              <div className="lens-row">
                <label className="lens-select"><span>From</span>
                  <select value={diffFrom} onChange={(e) => setFrom(e.target.value)}>{images.map((i) => <option key={i.ref} value={i.ref}>{shortRef(i.ref)}</option>)}</select>
                </label>
                <span aria-hidden="true" className="muted">→</span>
                <label className="lens-select"><span>To</span>
                  <select value={diffTo} onChange={(e) => setTo(e.target.value)}>{images.map((i) => <option key={i.ref} value={i.ref}>{shortRef(i.ref)}</option>)}</select>
                </label>
              </div>
              <Diff session={session} from={diffFrom} to={diffTo} />
            </section>
          )}
        </div>
      )}
    </LensFrame>
  );
}

function LayerTable({ layers, caption }: { layers: Layer[]; caption: string }) {
  return (
    <table className="lens-table layer-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead><tr><th scope="col" className="num">#</th><th scope="col" className="num">Size</th><th scope="col">Created by</th><th scope="col">Layer</th></tr></thead>
      <tbody>
        {layers.map((l, i) => (
          <tr key={i} className={l.digest ? undefined : 'meta-layer'}>
            <td className="num muted">{i + 1}</td>
            <td className="num">{formatBytes(l.sizeBytes)}</td>
            <td className="command" title={l.createdBy}>{readableCreatedBy(l.createdBy)}</td>
            <td className="mono muted">{l.digest ? shortDigest(l.digest) : 'metadata'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Diff({ session, from, to }: { session: string; from: string; to: string }) {
  const client = useClient();
  const [diff, setDiff] = useState<ImageDiff>();
  // An error belongs to the pair compared: picking another pair clears it.
  const [failed, setFailed] = useState<{ from: string; to: string; error: string }>();
  const error = failed?.from === from && failed.to === to ? failed.error : undefined;
  useEffect(() => {
    if (from === to) return;
    let live = true;
    client.call('lensImageDiff', { session, from, to }).then((d) => { if (live) setDiff(d); }, (err) => { if (live) setFailed({ from, to, error: errorText(err) }); });
    return () => { live = false; };
  }, [client, session, from, to]);
  if (from === to) return <p className="lens-empty">Pick two different images.</p>;
  if (error) return <p className="lens-error" role="alert">Could not compare them: {error}</p>;
  if (!diff || diff.from !== from || diff.to !== to) return <div className="lens-loading" role="status"><span className="spinner" aria-hidden="true" /> Comparing…</div>;
  const part = (title: string, layers: Layer[], kind: string) => (
    <div className={`diff-part ${kind}`} data-diff={kind}>
      <h4>{title} <span className="count num">{layers.length}</span></h4>
      {layers.length ? <LayerTable layers={layers} caption={title} /> : <p className="lens-empty">None.</p>}
    </div>
  );
  return (
    <div className="diff-result">
      {part(`Only in ${shortRef(from)}`, diff.onlyFrom, 'only-from')}
      {part(`Only in ${shortRef(to)}`, diff.onlyTo, 'only-to')}
      {part('Shared (same digest: stored once, reused)', diff.shared, 'shared')}
    </div>
  );
}
