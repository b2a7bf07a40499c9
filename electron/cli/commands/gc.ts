// `labvisor gc [--dry-run] [--all] [--images] [--json]`
import { parseArgs } from 'node:util';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { gc } from '../../engine/sessions/gc.js';
import { gcJson } from '../json-shapes.js';
import { out, printJson, say } from '../output.js';

export async function gcCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args, options: { 'dry-run': { type: 'boolean' }, all: { type: 'boolean' }, images: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const { docker } = await connectEngine();
  const dryRun = values['dry-run'] ?? false;
  const report = await gc(docker, { dryRun, all: values.all, images: values.images });
  if (values.json) {
    printJson(gcJson(dryRun, report));
    report.errors.forEach((e) => say(`error: ${e}`));
    return report.errors.length ? 1 : 0;
  }
  const verb = dryRun ? 'would remove' : 'removed';
  for (const s of report.sessions) {
    out(`session ${s.id} (${s.lab || 'unknown lab'}, owner ${s.owner || 'unknown'}, ${s.state}): ${verb} ` +
      `${s.containers.length} container(s), ${s.volumes.length} volume(s), ${s.networks.length} network(s), ${s.images.length} image tag(s)`);
  }
  for (const img of report.images) out(`image ${img}: ${verb}`);
  for (const h of report.helpers) out(`helper container ${h}: ${verb}`);
  for (const t of report.temps) out(`temp ${t} (its writer is gone): ${verb}`);
  for (const b of report.bundleLoads) out(`interrupted load of ${b.bundle}: undone, ${b.tagsRemoved} tag(s) removed`);
  const found = report.sessions.length + report.images.length + report.helpers.length + report.temps.length + report.bundleLoads.length;
  if (!found) out('Nothing to collect.');
  report.errors.forEach((e) => say(`error: ${e}`));
  return report.errors.length ? 1 : 0;
}
