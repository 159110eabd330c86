// Pins the server's field problems (`{ path, message }`) to the form fields that caused them; what
// no field on the page claims is listed with the error message instead, so nothing is lost.
import type { FieldProblem } from '../api/http.ts';

/** `$.users[2].id`, `/users/2/id` and `body.users[2].id` all read as `users[2].id`. */
export function normalizePath(path: string): string {
  let text = path.trim();
  if (text.startsWith('/')) {
    text = text
      .slice(1)
      .split('/')
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
      .replace(/^\./, '');
  }
  return text.replace(/^\$\.?/, '').replace(/^body\./, '');
}

function claims(field: string, path: string): boolean {
  return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
}

export interface FieldHints {
  /** Field name → its message(s), joined. */
  byField: Record<string, string>;
  /** Problems no listed field claims. */
  unclaimed: FieldProblem[];
}

/** `fields` are the names the form uses, as paths into the request body (`e2ee.maxParticipants`). */
export function fieldHints(
  problems: readonly FieldProblem[],
  fields: readonly string[],
): FieldHints {
  const byField: Record<string, string> = {};
  const unclaimed: FieldProblem[] = [];
  // The most specific field wins: `e2ee.clients.minVersion.windows` before `e2ee`.
  const bySpecificity = [...fields].sort((a, b) => b.length - a.length);
  for (const problem of problems) {
    const path = normalizePath(problem.path);
    const field = bySpecificity.find((candidate) => claims(candidate, path));
    if (field === undefined) {
      unclaimed.push(problem);
    } else {
      byField[field] = byField[field] ? `${byField[field]}; ${problem.message}` : problem.message;
    }
  }
  return { byField, unclaimed };
}
