import { describe, expect, it } from 'vitest';
import { errorBodySchema, errorCodes, errorStatus, formatPath } from '../src/index.ts';

describe('wire errors', () => {
  it('writes JSON paths the way the policy engine does', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath(['options', 'recording'])).toBe('$.options.recording');
    expect(formatPath(['assignments', 2, 'rank'])).toBe('$.assignments[2].rank');
    expect(formatPath(['tenant', 'odd key'])).toBe('$.tenant["odd key"]');
  });

  it('gives every code a client or server error status', () => {
    for (const code of errorCodes) expect(errorStatus[code]).toBeGreaterThanOrEqual(400);
    expect(errorStatus.MEETING_REJECTED).toBe(409);
    expect(errorStatus.PAYLOAD_TOO_LARGE).toBe(413);
  });

  it('reads an error body with an unknown future code', () => {
    const body = errorBodySchema.parse({ error: { code: 'SOMETHING_NEW', message: 'm' } });
    expect(body.error.code).toBe('SOMETHING_NEW');
  });
});
