import { labJsonSchema } from '../../engine/labs/schema.js';
import { printJson } from '../output.js';

export async function schema(): Promise<number> {
  printJson(labJsonSchema());
  return 0;
}
