// Any failure, shown as sentences: the API's message, its governance reasons, and the field
// problems that no field on the page showed. Never a stack trace.
import { ApiError, leadSentence, type FieldProblem } from '../api/http.ts';
import { ReasonList } from './ReasonList.tsx';

export function errorMessageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong on this page. Reload it and try again.';
}

interface ErrorMessageProps {
  error: unknown;
  /** Field problems not pinned to a field; defaults to all of them. */
  unclaimed?: readonly FieldProblem[] | undefined;
  title?: string | undefined;
}

export function ErrorMessage({ error, unclaimed, title }: ErrorMessageProps) {
  if (error === null || error === undefined) return null;
  const api = error instanceof ApiError ? error : null;
  const fields = unclaimed ?? api?.fields ?? [];
  const hasReasons = api !== null && api.reasons.length > 0;
  const message = hasReasons ? leadSentence(errorMessageOf(error)) : errorMessageOf(error);
  return (
    <div className="error-box" role="alert">
      <p className="error-title">{title ?? message}</p>
      {title && !hasReasons ? <p>{message}</p> : null}
      {api && api.fields.length > 0 && fields.length === 0 ? (
        <p>Check the highlighted fields.</p>
      ) : null}
      {fields.length > 0 ? (
        <ul className="error-fields">
          {fields.map((field) => (
            <li key={`${field.path}-${field.message}`}>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
      {hasReasons ? <ReasonList reasons={api.reasons} /> : null}
    </div>
  );
}
