// `labvisor schema`: the JSON Schema of lab.yaml (docs/lab.schema.json), as it is: not a `--json`
// result, so no schemaVersion of ours.
import { labJsonSchema } from '../../engine/labs/schema.js';
import { out } from '../output.js';

export async function schema(): Promise<number> {
  out(JSON.stringify(labJsonSchema(), null, 2));
  return 0;
}
