// The web app types what the server sends with @conclave/protocol's wire types, while the server
// sends the engine's decisions: the two shapes must stay interchangeable.
import type * as engine from '@conclave/policy';
import type * as wire from '@conclave/protocol';
import { describe, expectTypeOf, it } from 'vitest';

describe('wire types and the engine’s decisions', () => {
  it('a meeting decision, call decision and reason are the same shape on both sides', () => {
    expectTypeOf<engine.MeetingDecision>().toExtend<wire.MeetingDecision>();
    expectTypeOf<wire.MeetingDecision>().toExtend<engine.MeetingDecision>();
    expectTypeOf<engine.CallDecision>().toExtend<wire.CallDecision>();
    expectTypeOf<wire.CallDecision>().toExtend<engine.CallDecision>();
    expectTypeOf<engine.Reason>().toEqualTypeOf<wire.Reason>();
    expectTypeOf<engine.MeetingOptions>().toExtend<wire.MeetingOptions>();
  });

  it('the what-if answer the engine gives fits the wire shape the web reads', () => {
    expectTypeOf<engine.ExplainOutput>().toExtend<wire.ExplainOutput>();
  });
});
