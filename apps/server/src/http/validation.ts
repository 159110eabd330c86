// Request validation: one zod schema per input, problems reported per JSON path. Before the schema,
// every string and key of the input must be text the databases store faithfully (no NUL, no
// unpaired surrogate): one check here covers the body, the path and the query of every route.
import { findUnstorableText, formatPath, unstorableTextMessage } from '@conclave/protocol';
import type { FieldProblem } from '@conclave/protocol';
import type { z } from 'zod';
import { ServerError } from '../errors.ts';

export type InputPart = 'body' | 'params' | 'query';

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: InputPart,
): z.output<S> {
  // Body problems are JSON paths inside the body; query and URL problems name the parameter.
  const name = (path: readonly PropertyKey[]) =>
    part === 'body' ? formatPath(path) : `${part}.${path.map(String).join('.')}`;
  const where = part === 'body' ? 'request body' : part === 'query' ? 'query string' : 'URL';
  const unstorable = findUnstorableText(value);
  if (unstorable !== undefined) {
    return failInvalid(`The ${where} contains text that cannot be stored.`, [
      { path: name(unstorable), message: unstorableTextMessage },
    ]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldProblem[] = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: name([...issue.path, key]), message: 'unknown field' }))
      : [{ path: name(issue.path), message: issue.message }],
  );
  // One problem said as a sentence (the schemas' own words for names and ids) is the message a
  // person reads; otherwise a summary, with every problem per field beside it.
  const only = fields.length === 1 ? fields[0]?.message : undefined;
  const lead = only !== undefined && /^[A-Z].*[.!?]$/su.test(only) ? only : undefined;
  return failInvalid(lead ?? `The ${where} is not valid.`, fields);
}

function failInvalid(message: string, fields: FieldProblem[]): never {
  throw new ServerError('INVALID_INPUT', message, { fields });
}
