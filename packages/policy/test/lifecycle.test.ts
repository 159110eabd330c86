// §4 "the same checks on every later change", MEETING_ALREADY_STARTED, and the re-check at start.
import { describe, expect, it } from 'vitest';
import { decideOptionsChange, decideStart, incompatibleOptions } from '../src/index.ts';
import { lifecycleCases, lifecycleFacts } from './lifecycle-cases.ts';
import { notableCodes } from './org.ts';

describe('decideOptionsChange and decideStart', () => {
  it.each(lifecycleCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const facts = c.facts ?? lifecycleFacts;
    const decision =
      c.action.kind === 'start'
        ? decideStart(facts, c.meeting)
        : decideOptionsChange(facts, c.meeting, c.action.change);

    expect(decision.outcome).toBe(c.outcome);
    expect(notableCodes(decision)).toEqual(c.codes);
    if (decision.outcome === 'scheduled') {
      expect(decision.endToEndEncryption).toEqual(c.e2ee);
      if (decision.endToEndEncryption.enabled) {
        expect(Object.keys(decision.features)).toHaveLength(incompatibleOptions.length);
      }
      // A meeting that was E2EE never comes out of a change or a start without it, unless
      // the organizer turned it off before it started.
      const turnedOff = c.action.kind === 'change' && c.action.change.endToEndEncryption === false;
      if (c.meeting.endToEndEncryption.enabled && !turnedOff) {
        expect(decision.endToEndEncryption.enabled).toBe(true);
      }
    } else {
      expect(decision.reasons.every((r) => r.severity === 'error')).toBe(true);
    }
    for (const words of c.says ?? []) {
      expect(decision.reasons.map((r) => r.message).join(' ')).toContain(words);
    }
  });
});
