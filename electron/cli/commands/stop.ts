// `labvisor stop SESSION`: remove everything a session made, whoever started it.
import { parseArgs } from 'node:util';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { findSessionResources, removeSessionResources } from '../../engine/sessions/cleanup.js';
import { isSessionId } from '../../engine/sessions/names.js';
import { removeRecord } from '../../engine/sessions/registry.js';
import { out, say, UsageError } from '../output.js';

export async function stop(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (!positionals.length) throw new UsageError('usage: labvisor stop SESSION…');
  const bad = positionals.find((id) => !isSessionId(id));
  if (bad) throw new UsageError(`"${bad}" is not a session id (8 lowercase letters or digits, as printed by labvisor run)`);
  const { docker } = await connectEngine();
  let failed = 0;
  for (const id of positionals) {
    const res = await findSessionResources(docker, id);
    const errors = await removeSessionResources(docker, res);
    await removeRecord(id);
    const count = res.containers.length + res.volumes.length + res.networks.length + res.images.length;
    out(count ? `Session ${id}: removed ${res.containers.length} container(s) (VM runners included), ${res.volumes.length} volume(s), ${res.networks.length} network(s), ${res.images.length} image tag(s)` : `Session ${id}: nothing left to remove`);
    errors.forEach((e) => say(`  ${e}`));
    if (errors.length) failed++;
  }
  return failed ? 1 : 0;
}
