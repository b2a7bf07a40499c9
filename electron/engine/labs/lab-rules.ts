// Rules the schema cannot express on its own: names are unique, references name something
// declared, every checked step can be solved, and a question is one of its two forms.
import { type FieldPath, type Finding, fieldMessage, fieldPath } from './lab-yaml.js';
import type { Check, Lab, Question } from './schema.js';

/** The image every lab may use without building one; lab images build FROM it. */
export const BASE_IMAGE = 'labvisor/base';

/** `folderName` is the lab folder's basename; `images` the names of the lab's images/<name>/Dockerfile. */
export function labRuleFindings(lab: Lab, folderName: string, images: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const report = (path: FieldPath, text: string): void => {
    findings.push({ path, message: fieldMessage(path, text) });
  };
  const machines = new Map(lab.machines.map((m) => [m.name, m]));
  const volumes = new Set((lab.volumes ?? []).map((v) => v.name));

  const machineRef = (path: FieldPath, name: string, needsContainer: boolean): void => {
    const machine = machines.get(name);
    if (!machine) report(path, `unknown machine "${name}"; declared machines: ${[...machines.keys()].join(', ')}`);
    else if (needsContainer && machine.kind !== 'container') report(path, `machine "${name}" is a ${machine.kind} machine; this probe needs a container machine`);
  };
  const volumeRef = (path: FieldPath, name: string): void => {
    if (volumes.has(name)) return;
    report(path, volumes.size > 0
      ? `unknown volume "${name}"; declared volumes: ${[...volumes].join(', ')}`
      : `unknown volume "${name}"; declare it under "volumes"`);
  };
  const imageRef = (path: FieldPath, image: string): void => {
    if (image !== BASE_IMAGE && !images.has(image)) {
      report(path, `unknown image "${image}"; expected ${BASE_IMAGE} or an image of this lab, built from images/${image}/Dockerfile`);
    }
  };
  const checkRefs = (path: FieldPath, check: Check): void => {
    if ('script' in check) return machineRef([...path, 'machine'], check.machine, false);
    switch (check.probe) {
      case 'container-running':
        return machineRef([...path, 'machine'], check.machine, true);
      case 'container-image':
        machineRef([...path, 'machine'], check.machine, true);
        return imageRef([...path, 'image'], check.image);
      case 'volume-exists':
      case 'volume-file':
        return volumeRef([...path, 'volume'], check.volume);
      case 'image-exists':
        return; // any image: the learner may be asked to build or pull one
    }
  };

  if (lab.id !== folderName) report(['id'], `must be the name of the lab's folder, "${folderName}"`);
  uniqueNames(lab.machines.map((m) => m.name), ['machines'], 'machine name', report, 'name');
  uniqueNames((lab.volumes ?? []).map((v) => v.name), ['volumes'], 'volume name', report, 'name');
  uniqueNames(lab.steps.map((s) => s.id), ['steps'], 'step id', report, 'id');

  // A disk image is written by one QEMU at a time: two VMs on one volume would corrupt it.
  const diskOwner = new Map<string, string>();
  lab.machines.forEach((machine, i) => {
    if (!('image' in machine)) return; // the Docker host view and the learner's computer run no lab image
    imageRef(['machines', i, 'image'], machine.image);
    if (machine.kind === 'container') machine.mounts?.forEach((mount, j) => volumeRef(['machines', i, 'mounts', j, 'volume'], mount.volume));
    if (machine.kind !== 'vm') return;
    uniqueNames((machine.disks ?? []).map((d) => d.path), ['machines', i, 'disks'], 'disk path', report, 'path');
    machine.disks?.forEach((disk, j) => {
      const path = ['machines', i, 'disks', j, 'volume'];
      volumeRef(path, disk.volume);
      const owner = diskOwner.get(disk.volume);
      if (owner !== undefined) report(path, `volume "${disk.volume}" already holds the disk of machine "${owner}": each disk needs a volume of its own`);
      else diskOwner.set(disk.volume, machine.name);
    });
  });
  lab.steps.forEach((step, i) => {
    const path = ['steps', i];
    step.check?.forEach((check, j) => checkRefs([...path, 'check', j], check));
    step.solve?.forEach((action, j) => machineRef([...path, 'solve', j, 'machine'], action.machine, false));
    if (step.check && !step.solve) report(path, 'missing required field "solve": every step with a check needs a solution');
    if (step.failsFirst !== undefined && !step.check) report([...path, 'failsFirst'], 'only allowed on a step with a check');
    if (step.question) {
      if (step.check) report([...path, 'question'], 'a step has a check or a question, not both');
      if (step.poll !== undefined) report([...path, 'poll'], 'only allowed on a step with a check: a question is answered by the learner');
      questionFindings([...path, 'question'], step.question, machineRef, report);
    }
  });
  return findings;
}

/** A question is one of two forms: choices with the right one's text, or a typed value a machine computes. */
function questionFindings(
  path: FieldPath, question: Question,
  machineRef: (path: FieldPath, name: string, needsContainer: boolean) => void, report: (path: FieldPath, text: string) => void,
): void {
  const { choices, answer } = question;
  if (choices) {
    uniqueNames(choices, [...path, 'choices'], 'choice', report);
    if (typeof answer !== 'string') report([...path, 'answer'], 'with choices, the answer is the text of the right choice');
    else if (!choices.includes(answer)) report([...path, 'answer'], `"${answer}" is not one of the choices: ${choices.map((c) => `"${c}"`).join(', ')}`);
    if (question.match !== undefined) report([...path, 'match'], 'only for a typed answer: a choice is picked, not typed');
    return;
  }
  if (typeof answer === 'string') {
    report([...path, 'answer'], 'a question without choices needs an answer a machine computes when the learner answers ({ machine, script }); a fixed text would be an answer to copy');
    return;
  }
  machineRef([...path, 'answer', 'machine'], answer.machine, false);
}

/** Reports each name seen before; `at` is the list's path, then the field of its items when they are mappings. */
function uniqueNames(
  names: string[], at: FieldPath, what: string, report: (path: FieldPath, text: string) => void, field?: string,
): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else report([...at, i, ...(field ? [field] : [])], `duplicate ${what} "${name}" (also ${fieldPath([...at, seen])})`);
  });
}
