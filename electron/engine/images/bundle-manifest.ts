// The manifest of a workshop bundle (labvisor-bundle.json, the bundle's first entry): what the
// bundle holds and, per payload, its size and sha256, so a load can verify every byte before
// anything reaches the engine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { labName } from '../../shared/ids.js';
import { packageRoot } from '../paths.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { debianArch, normalArch, type GuestArch } from './guest-arch.js';

export const MANIFEST_NAME = 'labvisor-bundle.json';
export const BUNDLE_FORMAT = 1;
/** The payload holding every image, as `docker save` wrote it. */
export const IMAGES_PAYLOAD = 'images.tar';
/** The payload of a lab: its folder as a tar. */
export const labPayload = (id: string) => `labs/${id}.tar`;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const BundleImage = z.object({
  ref: z.string().min(1),
  id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  /** base, lab, runner, kernel, vm-boot, guest-base, docker-host. */
  role: z.string(),
  platform: z.string(),
});
export type BundleImage = z.infer<typeof BundleImage>;

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  labvisor: z.string(),
  created: z.string(),
  platforms: z.array(z.string()).min(1),
  labs: z.array(z.object({ id: labName, title: z.string(), hash: sha256 })),
  images: z.array(BundleImage),
  payloads: z.array(z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256 })),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** The engine's platform as Docker writes it: linux/amd64, linux/arm64 (lab engines run Linux containers). */
export function enginePlatform(engine: Pick<EngineInfo, 'arch'>): string {
  return `linux/${debianArch(normalArch(engine.arch) as GuestArch)}`;
}

export async function labvisorVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The manifest in `text`, or why it is not one (in words, for the caller to name the file). */
export function parseManifest(text: string): BundleManifest | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `its manifest is not JSON (${(err as Error).message})`;
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== BUNDLE_FORMAT) return `it is a bundle of format ${format}; this Labvisor reads format ${BUNDLE_FORMAT}`;
  const parsed = BundleManifest.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `its manifest is not valid: ${issue.path.join('.') || '(top)'}: ${issue.message}`;
  }
  return parsed.data;
}

/** Bytes as people read them: 12.3 MB. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
