import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  errorFromResponse,
  leadSentence,
  networkErrorMessage,
  request,
  setUnauthorizedListener,
} from '../src/api/http.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedListener(null);
});

function answer(status: number, body: string, calls: RequestInit[] = []) {
  vi.stubGlobal(
    'fetch',
    vi.fn((_path: string, init: RequestInit) => {
      calls.push(init);
      return Promise.resolve(new Response(body, { status }));
    }),
  );
  return calls;
}

describe('reading the contract’s error body', () => {
  it('keeps the code, message, field problems and reasons', () => {
    const error = errorFromResponse(409, {
      error: {
        code: 'MEETING_REJECTED',
        message: 'The meeting was not scheduled.',
        fields: [{ path: 'options.recording', message: 'no' }],
        reasons: [{ code: 'E2EE_REQUIRES_PREMIUM', severity: 'error', message: 'No licence.' }],
      },
    });
    expect(error).toMatchObject({
      code: 'MEETING_REJECTED',
      status: 409,
      message: 'The meeting was not scheduled.',
    });
    expect(error.fields).toEqual([{ path: 'options.recording', message: 'no' }]);
    expect(error.reasons.map((r) => r.code)).toEqual(['E2EE_REQUIRES_PREMIUM']);
  });

  it('never shows a multi-line message (a stack trace) or a body outside the contract', () => {
    const trace = errorFromResponse(500, {
      error: { code: 'INTERNAL', message: 'TypeError: x\n    at foo (server.ts:1:1)' },
    });
    expect(trace.message).not.toContain('at foo');
    expect(trace.message).toMatch(/server ran into a problem/i);
    const html = errorFromResponse(502, undefined);
    expect(html.message).toMatch(/server ran into a problem/i);
    expect(errorFromResponse(429, 'nope').message).toMatch(/too many attempts/i);
  });
});

describe('request', () => {
  it('says the server cannot be reached when the network fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const error = await request('GET', '/api/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NETWORK', status: null, message: networkErrorMessage });
  });

  it('sends JSON with a content type only when there is a body', async () => {
    const calls = answer(200, '{"ok":true}');
    await request('POST', '/api/meetings/x/start');
    await request('POST', '/api/meetings', { subject: 'a' });
    expect(calls[0]?.headers).not.toHaveProperty('content-type');
    expect(calls[0]?.body).toBeUndefined();
    expect(calls[1]?.headers).toHaveProperty('content-type', 'application/json');
    expect(calls[1]?.body).toBe('{"subject":"a"}');
    expect(calls[1]?.credentials).toBe('same-origin');
  });

  it('reports a lost session, except where a 401 is the expected answer', async () => {
    const listener = vi.fn();
    setUnauthorizedListener(listener);
    answer(401, '{"error":{"code":"UNAUTHENTICATED","message":"Sign in."}}');
    await expect(request('GET', '/api/meetings')).rejects.toMatchObject({
      status: 401,
      message: 'Sign in.',
    });
    expect(listener).toHaveBeenCalledTimes(1);
    await expect(
      request('POST', '/api/auth/sign-in', {}, { expectUnauthorized: true }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('refuses an unreadable success', async () => {
    answer(200, '<html>proxy page</html>');
    await expect(request('GET', '/api/me')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('a refusal’s lead sentence', () => {
  it('is what comes before the reasons the message repeats', () => {
    expect(
      leadSentence('The meeting was not scheduled. The organizer does not have the licence.'),
    ).toBe('The meeting was not scheduled.');
    expect(leadSentence('Wrong email or password.')).toBe('Wrong email or password.');
  });
});
