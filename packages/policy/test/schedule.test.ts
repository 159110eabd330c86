// §4 scheduling: the rule order, locks, rule 5's information, and the incompatible options.
import { describe, expect, it } from 'vitest';
import { decideSchedule, incompatibleOptions } from '../src/index.ts';
import { ids, notableCodes, org, request } from './org.ts';
import { scheduleCases } from './schedule-cases.ts';

describe('decideSchedule', () => {
  it.each(scheduleCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = decideSchedule(c.facts ?? org(), c.request);
    expect(decision.outcome).toBe(c.outcome);
    expect(notableCodes(decision)).toEqual(c.codes);

    if (decision.outcome === 'rejected') {
      // A rejection is the organizer's to fix: every reason is an error.
      expect(decision.reasons.every((r) => r.severity === 'error')).toBe(true);
      expect('endToEndEncryption' in decision).toBe(false);
      const named = decision.reasons.flatMap((r) => (r.option ? [r.option] : []));
      expect(named).toEqual(c.options ?? []);
      return;
    }

    expect(decision.endToEndEncryption).toEqual(c.e2ee);
    const severities = new Set(
      decision.reasons
        .filter((r) => !(r.code === 'FEATURE_UNAVAILABLE_IN_E2EE'))
        .map((r) => r.severity),
    );
    expect([...severities]).toEqual(c.codes.length > 0 ? [c.severity ?? 'error'] : []);

    if (decision.endToEndEncryption.enabled) {
      // All twelve options are off and locked, each with its sentence.
      expect(Object.keys(decision.features).sort()).toEqual([...incompatibleOptions].sort());
      for (const option of incompatibleOptions) {
        expect(decision.features[option]).toEqual({
          enabled: false,
          locked: true,
          reason: 'FEATURE_UNAVAILABLE_IN_E2EE',
        });
      }
      const notes = decision.reasons.filter((r) => r.code === 'FEATURE_UNAVAILABLE_IN_E2EE');
      expect(notes.map((r) => r.option)).toEqual([...incompatibleOptions]);
      expect(notes.every((r) => r.severity === 'info')).toBe(true);
    } else {
      // Off: only what the organizer chose, unlocked.
      for (const option of incompatibleOptions) {
        const chosen = c.request.options[option];
        expect(decision.features[option]).toEqual(
          chosen === undefined ? undefined : { enabled: chosen, locked: false },
        );
      }
    }
  });

  it('takes the first rule that applies: label over template over organizer', () => {
    const facts = org();
    const byLabel = decideSchedule(
      facts,
      request(ids.alice, { label: 'hc', template: 'suggested' }),
    );
    const byTemplate = decideSchedule(
      facts,
      request(ids.alice, { template: 'sensitive', options: { endToEndEncryption: true } }),
    );
    expect(byLabel.outcome === 'scheduled' && byLabel.endToEndEncryption.source).toBe('label');
    expect(byTemplate.outcome === 'scheduled' && byTemplate.endToEndEncryption.source).toBe(
      'template',
    );
  });

  it('does not mutate the facts or the request', () => {
    const facts = org();
    const req = request(ids.erin, { template: 'sensitive', options: { recording: true } });
    const before = JSON.stringify([facts, req]);
    decideSchedule(facts, req);
    expect(JSON.stringify([facts, req])).toBe(before);
  });

  it('treats an option given as undefined as not chosen', () => {
    const decision = decideSchedule(
      org(),
      request(ids.alice, { options: { endToEndEncryption: undefined, recording: undefined } }),
    );
    expect(decision).toMatchObject({
      outcome: 'scheduled',
      endToEndEncryption: { enabled: false, source: 'default' },
      features: {},
    });
  });
});
