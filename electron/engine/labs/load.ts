// Turns a lab folder into a validated lab, or a LabFormatError listing every problem found with
// its file:line:col. Nothing in a lab is run or built here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { findImages, markdownFindings, readDockerfile, readLabYaml, statOrUndefined } from './lab-files.js';
import { reviewDockerfile } from './dockerfile-rules.js';
import { trustReasons } from './trust.js';
import { labRuleFindings } from './lab-rules.js';
import { LabYaml } from './lab-yaml.js';
import { type Diagnostic, LabFormatError } from './diagnostics.js';
import { markdownRefProblems } from './markdown-refs.js';
import type { Lab } from './schema.js';
import { validateLab } from './schema-findings.js';

export interface LoadedLab {
  /** Absolute path of the lab folder. */
  dir: string;
  /** Absolute path of its lab.yaml. */
  file: string;
  lab: Lab;
  /** Image name → absolute path of images/<name>, which has a Dockerfile. */
  images: Record<string, string>;
  /** Why the user must trust this lab before it runs, each at its line; empty when it needs no trust. */
  trustReasons: Diagnostic[];
  /** Host ports the lab asks for by number: taking one another program uses needs trust too (checked at start). */
  fixedPorts: Array<{ machine: string; port: number; where: Diagnostic }>;
}

/** Loads and validates the lab in `dir`; throws a LabFormatError with all problems found. */
export async function loadLab(dir: string): Promise<LoadedLab> {
  const root = path.resolve(dir);
  const file = path.join(root, 'lab.yaml');
  const { yaml, data } = LabYaml.parse(file, await readLabYaml(file));
  const validation = validateLab(data);
  if (validation.findings) throw yaml.error(validation.findings);
  const { lab } = validation;
  const { images, problems } = await findImages(root);
  const findings = [
    ...labRuleFindings(lab, path.basename(root), new Set(Object.keys(images))),
    ...await markdownFindings(lab, root),
    ...problems.map((message) => ({ path: [], message })),
  ];
  if (findings.length > 0) throw yaml.error(findings);
  const machines = lab.machines.map((m) => m.name);
  const refs = (await Promise.all(lab.steps.map(async (s) => {
    const md = path.join(root, s.markdown);
    return markdownRefProblems(md, await readFile(md, 'utf8'), machines);
  }))).flat();
  if (refs.length > 0) throw new LabFormatError(refs);
  const declared = { network: lab.build?.network ?? false, from: lab.build?.from ?? [] };
  const reviews = await Promise.all(Object.values(images).map(async (folder) => {
    const file = path.join(folder, 'Dockerfile');
    return { file, ...reviewDockerfile(file, await readDockerfile(folder), declared) };
  }));
  const dockerfileErrors = reviews.flatMap((r) => r.errors);
  if (dockerfileErrors.length > 0) throw new LabFormatError(dockerfileErrors);
  const foreignFrom = reviews.flatMap((r) => r.foreignFrom.map((f) => ({ file: r.file, ...f })));
  return {
    dir: root, file, lab, images,
    trustReasons: trustReasons({ lab, locate: (f) => yaml.diagnostic(f), foreignFrom }),
    fixedPorts: lab.machines.flatMap((m, i) => m.kind !== 'container' && m.kind !== 'vm' ? [] : (m.ports ?? []).flatMap((p, j) =>
      p.host === undefined ? [] : [{ machine: m.name, port: p.host, where: yaml.diagnostic({ path: ['machines', i, 'ports', j, 'host'], message: '' }) }])),
  };
}

/** `target` itself when it holds a lab.yaml, else its direct subfolders that do, sorted. */
export async function findLabDirs(target: string): Promise<string[]> {
  const root = path.resolve(target);
  if (await statOrUndefined(path.join(root, 'lab.yaml'))) return [root];
  const entries = await readdir(root).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
    throw e;
  });
  const dirs: string[] = [];
  for (const name of entries.sort()) {
    if (await statOrUndefined(path.join(root, name, 'lab.yaml'))) dirs.push(path.join(root, name));
  }
  if (dirs.length === 0) throw new Error(`no lab.yaml found under ${target} (looked in it and in its direct subfolders)`);
  return dirs;
}
