// The call page's address: /calls/:id round-trips, odd ids survive, deeper paths are not found.
import { describe, expect, it } from 'vitest';
import { hrefOf, matchRoute } from '../src/app/routes.ts';

describe('call routes', () => {
  it('round-trip the calls list and a call, whatever its id', () => {
    for (const route of [
      { kind: 'calls' },
      { kind: 'call', id: 'c-1' },
      { kind: 'call', id: 'a b/c?d' },
    ] as const) {
      expect(matchRoute(hrefOf(route))).toEqual(route);
    }
    expect(hrefOf({ kind: 'call', id: 'a b/c' })).toBe('/calls/a%20b%2Fc');
  });

  it('send malformed or deeper call addresses to "not found"', () => {
    expect(matchRoute('/calls/x/y').kind).toBe('notFound');
    expect(matchRoute('/calls/%E0%A4%A').kind).toBe('notFound');
  });
});
