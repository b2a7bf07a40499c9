// A lab made afresh for one run, whose image is on no engine yet: two servers that start it at
// once both build the same image tag at the same moment, the race two app windows can run into.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL } from '../../electron/engine/labels.js';

export function writeRaceLab(parent: string): { id: string; dir: string } {
  const id = `soak-race-${randomBytes(4).toString('hex')}`;
  const dir = join(parent, id);
  mkdirSync(join(dir, 'images', 'app'), { recursive: true });
  mkdirSync(join(dir, 'steps'));
  writeFileSync(join(dir, 'lab.yaml'), [
    `id: ${id}`, 'title: Two servers build one image (soak)', 'summary: Made by test/soak/race-lab.ts for one run.',
    'duration: 5', 'difficulty: beginner', 'tags: [test]',
    'machines:', '  - name: box', '    kind: container', '    image: app',
    'steps:', '  - id: one', '    title: One', '    markdown: steps/one.md', '',
  ].join('\n'));
  writeFileSync(join(dir, 'steps', 'one.md'), '# One\n\nNothing to do.\n');
  // A build that takes a few seconds, so the two builds overlap; the id makes its tag new.
  writeFileSync(join(dir, 'images', 'app', 'Dockerfile'), `FROM labvisor/base\nRUN sleep 3 && echo ${id} > /made-for.txt\n`);
  return { id, dir };
}

/** Removes the images built for the race lab (ours: its id is new). */
export async function removeRaceImages(docker: Docker, id: string): Promise<void> {
  const images = await docker.listImages({ all: true, filters: { label: [`${LABEL.lab}=${id}`] } });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => {});
}
