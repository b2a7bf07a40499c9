// The files of a lab folder besides what lab.yaml says: size limits that are enforced before
// anything is parsed, step markdown that must stay inside the folder, and the lab's images.
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { LabFormatError } from './diagnostics.js';
import { type Finding, fieldMessage } from './lab-yaml.js';
import { type Lab, Volume } from './schema.js';

const KiB = 1024;
const MiB = 1024 * KiB;
// 128 KiB is twenty times the largest bundled lab, and keeps the worst parse well under a second on 2 cores.
const LAB_YAML_LIMIT = 128 * KiB;
/** A step's markdown or an image's Dockerfile. */
export const TEXT_FILE_LIMIT = MiB;

/** Reads lab.yaml after checking that it is a regular file within the size limit. */
export async function readLabYaml(file: string): Promise<string> {
  const refuse = (message: string): LabFormatError => new LabFormatError([{ file, line: 1, col: 1, message }]);
  const stats = await statOrUndefined(file);
  if (!stats) throw refuse('lab.yaml not found');
  if (!stats.isFile()) throw refuse('lab.yaml is not a regular file');
  if (stats.size > LAB_YAML_LIMIT) throw refuse(`lab.yaml is ${size(stats.size)}; the limit is ${size(LAB_YAML_LIMIT)}`);
  return readFile(file, 'utf8');
}

/** Problems with the steps' markdown files, each at its `markdown` field. */
export async function markdownFindings(lab: Lab, dir: string): Promise<Finding[]> {
  const realDir = await realpath(dir);
  const findings: Finding[] = [];
  for (const [i, step] of lab.steps.entries()) {
    const problem = await markdownProblem(dir, realDir, step.markdown);
    const field = ['steps', i, 'markdown'];
    if (problem) findings.push({ path: field, message: fieldMessage(field, problem) });
  }
  return findings;
}

async function markdownProblem(dir: string, realDir: string, relative: string): Promise<string | undefined> {
  const file = path.join(dir, relative);
  const stats = await statOrUndefined(file);
  if (!stats) return `file "${relative}" not found`;
  if (!stats.isFile()) return `"${relative}" is not a regular file`;
  if (!isInside(realDir, await realpath(file))) return `"${relative}" leads outside the lab folder (through a symlink)`;
  if (stats.size > TEXT_FILE_LIMIT) return `"${relative}" is ${size(stats.size)}; the limit is ${size(TEXT_FILE_LIMIT)}`;
  return undefined;
}

/**
 * The lab's images: name → absolute folder, for each images/<name>/ that has a Dockerfile.
 * Only real folders inside the lab count: a symlink (images/ itself or one of its folders)
 * could make any folder of the learner's computer a build context sent to the engine.
 */
export async function findImages(dir: string): Promise<{ images: Record<string, string>; problems: string[] }> {
  const imagesDir = path.join(dir, 'images');
  const problems: string[] = [];
  const top = await lstat(imagesDir).catch(() => undefined);
  if (!top) return { images: {}, problems };
  if (top.isSymbolicLink()) return { images: {}, problems: ['"images" is a symbolic link: image build contexts must be real folders inside the lab folder'] };
  if (!top.isDirectory()) return { images: {}, problems };
  const entries = await readdir(imagesDir, { withFileTypes: true });
  const images: Record<string, string> = {};
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isSymbolicLink()) {
      problems.push(`"images/${entry.name}" is a symbolic link: image build contexts must be real folders inside the lab folder`);
      continue;
    }
    // Image names follow the same rule as machine and volume names.
    if (!entry.isDirectory() || !Volume.shape.name.safeParse(entry.name).success) continue;
    const folder = path.join(imagesDir, entry.name);
    const dockerfile = await lstat(path.join(folder, 'Dockerfile')).catch(() => undefined);
    if (dockerfile?.isSymbolicLink()) problems.push(`"images/${entry.name}/Dockerfile" is a symbolic link; it must be a regular file`);
    else if (dockerfile?.isFile()) images[entry.name] = folder;
  }
  return { images, problems };
}

/** An image's Dockerfile, within the size limit. */
export async function readDockerfile(folder: string): Promise<string> {
  const file = path.join(folder, 'Dockerfile');
  const stats = await stat(file);
  if (stats.size > TEXT_FILE_LIMIT) throw new LabFormatError([{ file, line: 1, col: 1, message: `Dockerfile is ${size(stats.size)}; the limit is ${size(TEXT_FILE_LIMIT)}` }]);
  return readFile(file, 'utf8');
}

export async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative);
}

function size(bytes: number): string {
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MiB`;
  if (bytes >= KiB) return `${Number((bytes / KiB).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
