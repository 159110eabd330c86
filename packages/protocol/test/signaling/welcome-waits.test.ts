// `welcome.waits`: each joiner's own wait for the commit that added it, one map in the one Welcome
// every joiner of a commit gets. A measurement, so a client reading it must not trust it blindly:
// bounded, whole, nonnegative milliseconds, and no more entries than a meeting has joiners.
import { describe, expect, it } from 'vitest';
import { MAX_WELCOMED_JOINERS, parseServerMessage } from '../../src/index.ts';

const welcome = (waits?: unknown) =>
  JSON.stringify({
    type: 'welcome',
    meetingId: 'm-1',
    epoch: '3',
    message: 'AAAA',
    ...(waits === undefined ? {} : { waits }),
  });

describe('the waits a Welcome carries', () => {
  it('are optional, and read as each joiner’s own', () => {
    expect(parseServerMessage(welcome())).toMatchObject({ kind: 'ok' });
    const parsed = parseServerMessage(
      welcome({
        'p-1': { waitedMs: 900, blockedMs: 400 },
        'p-2': { waitedMs: 600, blockedMs: 0 },
      }),
    );
    expect(
      parsed.kind === 'ok' && parsed.message.type === 'welcome' && parsed.message.waits,
    ).toEqual({ 'p-1': { waitedMs: 900, blockedMs: 400 }, 'p-2': { waitedMs: 600, blockedMs: 0 } });
  });

  it('refuses negative, fractional, day-long or missing figures', () => {
    for (const wait of [
      { waitedMs: -1, blockedMs: 0 },
      { waitedMs: 10, blockedMs: -5 },
      { waitedMs: 1.5, blockedMs: 0 },
      { waitedMs: 86_400_001, blockedMs: 0 },
      { waitedMs: 10 },
      { waitedMs: '10', blockedMs: 0 },
    ]) {
      expect(parseServerMessage(welcome({ 'p-1': wait })).kind, JSON.stringify(wait)).toBe('error');
    }
  });

  it('refuses more joiners than a Welcome can name, and an empty participant id', () => {
    const entries = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`p-${i}`, { waitedMs: i, blockedMs: 0 }]),
      );
    expect(parseServerMessage(welcome(entries(MAX_WELCOMED_JOINERS))).kind).toBe('ok');
    expect(parseServerMessage(welcome(entries(MAX_WELCOMED_JOINERS + 1))).kind).toBe('error');
    expect(parseServerMessage(welcome({ '': { waitedMs: 1, blockedMs: 0 } })).kind).toBe('error');
  });
});
