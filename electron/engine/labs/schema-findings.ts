// Validation of lab.yaml data against the zod schema, with zod's issues rewritten for lab
// authors: one finding per problem, at the field (or unknown key) it is about.
import { z } from 'zod';
import { nearest } from '../did-you-mean.js';
import { type FieldPath, type Finding, fieldMessage, fieldPath } from './lab-yaml.js';
import { Answer, Check, Lab, RENAMED_KINDS } from './schema.js';

export type Validation = { lab: Lab; findings?: undefined } | { lab?: undefined; findings: Finding[] };

export function validateLab(data: unknown): Validation {
  const result = Lab.safeParse(data, { error: readableMessage });
  if (result.success) return { lab: result.data };
  const findings: Finding[] = [];
  for (const issue of result.error.issues) addFindings(issue, [], data, findings);
  return { findings };
}

function addFindings(issue: z.core.$ZodIssue, base: FieldPath, data: unknown, out: Finding[]): void {
  const path = [...base, ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))];
  const value = valueAt(data, path);
  const parent = path.slice(0, -1);
  const last = path.at(-1);
  if (value === undefined && typeof last === 'string' && isRecord(valueAt(data, parent))) {
    const options = issue.code === 'invalid_value' ? issue.values
      : issue.code === 'invalid_union' && 'options' in issue ? issue.options : undefined;
    const expected = options?.length ? `; expected one of: ${options.join(', ')}` : '';
    out.push({ path: parent, message: fieldMessage(parent, `missing required field "${last}"${expected}`) });
    return;
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(data, path);
      const where = path.length > 0 ? ` in ${fieldPath(path)}` : '';
      for (const key of issue.keys) out.push({ path, key, message: `unknown field "${key}"${where}${didYouMean(key, allowed)}` });
      return;
    }
    case 'invalid_key':
      out.push({ path: parent, key: String(last), message: fieldMessage(path, issue.issues[0]?.message ?? issue.message) });
      return;
    case 'invalid_union':
      if (issue.discriminator !== undefined) {
        const options = ('options' in issue ? issue.options ?? [] : []).join(', ');
        const renamed = issue.discriminator === 'kind' && typeof value === 'string' ? RENAMED_KINDS[value] : undefined;
        if (renamed) {
          out.push({ path, message: fieldMessage(path, `kind "${value}" is no more: use ${renamed}`) });
          return;
        }
        out.push({ path, message: fieldMessage(path, `unknown ${issue.discriminator} ${describeValue(value)}; expected one of: ${options}`) });
        return;
      }
      {
        const union = plainUnion(schemaAt(data, path));
        if (!union) break;
        // Report the branch the author meant rather than zod's dump of every branch.
        const option = union.pick(value);
        const errors = option && issue.errors[union.schema.options.indexOf(option)];
        if (errors?.length) {
          for (const e of errors) addFindings(e, path, data, out);
        } else {
          out.push({ path, message: fieldMessage(path, union.neither(value)) });
        }
        return;
      }
  }
  out.push({ path, message: fieldMessage(path, issue.message) });
}

/** A union of the format without a discriminator field: how the author's meaning is told, and what to say when it cannot be. */
interface PlainUnion {
  schema: z.ZodUnion<readonly z.ZodType[]>;
  pick(value: unknown): z.ZodType | undefined;
  neither(value: unknown): string;
}

const PLAIN_UNIONS: PlainUnion[] = [
  {
    // A check is a script check or a probe, told apart by its key.
    schema: Check,
    pick: (value) => {
      if (!isRecord(value)) return undefined;
      const [scriptCheck, probeCheck] = Check.options;
      if ('probe' in value) return probeCheck;
      if ('script' in value) return scriptCheck;
      return undefined;
    },
    neither: (value) => (isRecord(value)
      ? 'a check needs "script" (a script run in a machine) or "probe" (a built-in probe)'
      : `expected a mapping (a script check or a probe), got ${describeValue(value)}`),
  },
  {
    // A question's answer is a choice's text or a computed answer, told apart by its type.
    schema: Answer,
    pick: (value) => {
      const [text, computed] = Answer.options;
      if (typeof value === 'string') return text;
      return isRecord(value) ? computed : undefined;
    },
    neither: (value) => `expected the text of the right choice, or a mapping { machine, script } that computes the answer, got ${describeValue(value)}`,
  },
];

function plainUnion(schema: z.ZodType | undefined): PlainUnion | undefined {
  return PLAIN_UNIONS.find((u) => u.schema === schema);
}

/** The schema of the field at `path`, following unions to the option the data is meant to be. */
function schemaAt(data: unknown, path: FieldPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = Lab;
  let value = data;
  for (const key of path) {
    schema = pickOption(unwrap(schema), value);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[key];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
    value = valueAt(value, [key]);
  }
  return schema && unwrap(schema);
}

function pickOption(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const key: string = schema.def.discriminator;
    const options = schema.options as z.ZodType[];
    return pickOption(options.find((o) => o instanceof z.ZodObject
      && (o.shape as Record<string, z.ZodType>)[key]?.safeParse(valueAt(value, [key])).success), value);
  }
  const union = plainUnion(schema);
  return union ? pickOption(union.pick(value), value) : schema;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  return schema instanceof z.ZodOptional ? schema.unwrap() as z.ZodType : schema;
}

function allowedKeys(data: unknown, path: FieldPath): string[] {
  const schema = pickOption(schemaAt(data, path), valueAt(data, path));
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function didYouMean(key: string, allowed: string[]): string {
  const best = nearest(key, allowed);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
  object: 'a mapping', record: 'a mapping', array: 'a list',
};

/** Zod's default messages, in the words of a YAML file; messages written in the schema win over these. */
const readableMessage: z.core.$ZodErrorMap = (issue) => {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${describeValue(issue.values[0])}, ${got}`
        : `expected one of: ${issue.values.join(', ')}; ${got}`;
    case 'invalid_format':
      return issue.format === 'regex' ? `must match ${issue.pattern}, ${got}` : undefined;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'array') return `must have at least ${n} item${n === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return n === 1 ? 'must not be empty' : `must be at least ${n} characters long`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${n}, ${got}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'array') return `must have at most ${n} item${n === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at most ${n} characters long`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${n}, ${got}`;
    }
    default:
      return undefined;
  }
};

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
