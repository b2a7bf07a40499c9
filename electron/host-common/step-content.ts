// What the catalog sends of a lab: its summary, a step's markdown (read safely) and its solution.
import path from 'node:path';
import { open, realpath } from 'node:fs/promises';
import { ApiError, type LabSummary, type Result } from '../shared/api.js';
import type { LoadedLab } from '../engine/labs/load.js';
import type { Step } from '../engine/labs/schema.js';
import { TEXT_FILE_LIMIT } from '../engine/labs/lab-files.js';

export function labSummary(lab: LoadedLab['lab'], origin: Pick<LabSummary, 'source' | 'folder' | 'trust'>): LabSummary {
  return {
    id: lab.id, ...origin, title: lab.title, summary: lab.summary, duration: lab.duration, difficulty: lab.difficulty,
    ...(lab.order !== undefined ? { order: lab.order } : {}), tags: lab.tags,
    machines: lab.machines.map((m) => ({ name: m.name, kind: m.kind })),
    volumes: (lab.volumes ?? []).map((v) => v.name),
    steps: lab.steps.map((s) => ({ id: s.id, title: s.title, hasCheck: s.check !== undefined })),
  };
}

/**
 * What "Show solution" offers: the step's solve actions and, for a typed question, the answer's
 * script as a command to run and read (the value itself exists only when a machine computes it).
 * A choice question's right choice is never sent: the learner may try again instead.
 */
export function stepSolution(step: Step): Result<'getStep'>['solution'] {
  const actions = (step.solve ?? []).map(({ machine, script }) => ({ machine, script }));
  const answer = step.question?.answer;
  return typeof answer === 'object' ? [...actions, { machine: answer.machine, script: answer.script }] : actions;
}

/** A step's markdown: a regular file inside the lab folder (no symlink out), within the loader's limit. */
export async function readStepMarkdown(labDir: string, relative: string): Promise<string> {
  const root = await realpath(labDir);
  const file = await realpath(path.join(labDir, relative)).catch(() => {
    throw new ApiError('not-found', `step markdown "${relative}" not found`);
  });
  const rel = path.relative(root, file);
  if (rel === '' || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel)) throw new ApiError('internal', `step markdown "${relative}" leads outside the lab folder`);
  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ApiError('internal', `step markdown "${relative}" is not a regular file`);
    // The loader's limit (lab-files.ts), checked again: the file may have grown since.
    if (stats.size > TEXT_FILE_LIMIT) throw new ApiError('internal', `step markdown "${relative}" is over ${TEXT_FILE_LIMIT} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
