// §6: calls need both sides' policy, both sides' setting, and no compliance recording.
import { describe, expect, it } from 'vitest';
import { decideCall } from '../src/index.ts';
import { callCases } from './call-cases.ts';
import { codes } from './org.ts';

describe('decideCall', () => {
  it.each(callCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = decideCall(c.facts, c.caller, c.callee);
    expect(decision.endToEndEncryption).toEqual({ enabled: c.enabled });
    expect(codes(decision.reasons)).toEqual(c.codes);
    const text = decision.reasons.map((r) => r.message).join(' ');
    for (const words of c.says ?? []) expect(text).toContain(words);
  });

  it('is symmetric in what it finds', () => {
    for (const c of callCases) {
      const there = codes(decideCall(c.facts, c.caller, c.callee).reasons);
      const back = codes(decideCall(c.facts, c.callee, c.caller).reasons);
      expect(back).toEqual(there);
    }
  });
});
