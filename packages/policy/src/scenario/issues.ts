// Turns schema issues into problems an admin can act on: one per thing wrong, at its JSON path.
import type { z } from 'zod';
import type { ScenarioProblem } from '../types.ts';
import { jsonPath } from './json-path.ts';

/** `prefix` is where the parsed value sits in the scenario, e.g. `['assignments']`. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ScenarioProblem[] {
  return issues.flatMap((raw): ScenarioProblem[] => {
    const issue = { ...raw, path: [...prefix, ...raw.path] } as z.core.$ZodIssue;
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          path: jsonPath([...issue.path, key]),
          message: 'is not a known field',
        }));
      case 'invalid_type':
        return [
          {
            path: jsonPath(issue.path),
            message:
              issue.input === undefined
                ? `is required (${describeExpected(issue.expected)})`
                : `must be ${describeExpected(issue.expected)}, not ${describeInput(issue.input)}`,
          },
        ];
      case 'invalid_value': {
        const allowed = issue.values.map((value) => JSON.stringify(value)).join(', ');
        const choice = issue.values.length === 1 ? allowed : `one of ${allowed}`;
        return [
          {
            path: jsonPath(issue.path),
            message:
              issue.input === undefined
                ? `is required (${choice})`
                : `must be ${choice}, not ${describeInput(issue.input)}`,
          },
        ];
      }
      case 'too_small':
        return [
          {
            path: jsonPath(issue.path),
            message:
              issue.origin === 'string'
                ? 'must not be empty'
                : `must be at least ${String(issue.minimum)}`,
          },
        ];
      default:
        return [{ path: jsonPath(issue.path), message: issue.message }];
    }
  });
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

export function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return JSON.stringify(input);
    case 'number':
      return String(input);
    case 'boolean':
      return String(input);
    case 'object':
      return 'an object';
    default:
      return typeof input;
  }
}
