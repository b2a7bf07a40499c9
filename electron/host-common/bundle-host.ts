// Loading a workshop bundle for the LabApi: one load at a time per host (two would race for the
// engine's disk and report each other's bytes), its progress sent as `bundle` events, and the labs
// it brought that are not the app's own opened as lab folders (trust still applies to them).
import type Docker from 'dockerode';
import path from 'node:path';
import { ApiError, type BundleProgress, type Params, type Result } from '../shared/api.js';
import type { EngineInfo } from '../engine/machines/docker-engine.js';
import { BundleError, loadBundle } from '../engine/images/bundle-load.js';

export class BundleHost {
  private loading = false;

  constructor(
    private readonly connect: () => Promise<{ docker: Docker; info: EngineInfo }>,
    private readonly progress: (p: BundleProgress) => void,
    /** Adds a lab folder to the catalog, as openLabFolder does. */
    private readonly openFolder: (dir: string) => Promise<unknown>,
  ) {}

  async load({ path: file }: Params<'loadBundle'>): Promise<Result<'loadBundle'>> {
    if (!path.isAbsolute(file)) throw new ApiError('bad-request', `"${file}" is not an absolute path to a bundle file`);
    if (this.loading) throw new ApiError('conflict', 'a bundle is being loaded already: wait for it to finish');
    this.loading = true;
    try {
      const { docker, info } = await this.connect();
      // The engine's byte meter already sends a few events a second (images/bundle-progress.ts).
      const result = await loadBundle(docker, info, file, { onProgress: this.progress }).catch((err: unknown) => {
        throw err instanceof BundleError ? new ApiError('bad-request', err.message) : err;
      });
      for (const dir of result.openedFolders) {
        await this.openFolder(dir).catch((err: Error) => {
          throw new ApiError('conflict', `the bundle's images loaded, but its lab in ${dir} could not join the catalog: ${err.message}`);
        });
      }
      return { labs: result.labs, images: result.images.length, bytes: result.bytes, ms: result.ms, platforms: result.platforms };
    } finally {
      this.loading = false;
    }
  }
}
