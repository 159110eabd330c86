// Every reason code is produced by some case, and every sentence is one a help desk can read
// out: non-empty, naming the label, template, option or platform, never another user's id.
import { describe, expect, it } from 'vitest';
import {
  decideCall,
  decideJoin,
  decideOptionsChange,
  decideSchedule,
  decideStart,
  explainScenario,
  optionNames,
  platformNames,
  reasonCodes,
} from '../src/index.ts';
import type { Reason, ReasonCode } from '../src/index.ts';
import { callCases } from './call-cases.ts';
import { joinCases } from './join-cases.ts';
import { lifecycleCases, lifecycleFacts } from './lifecycle-cases.ts';
import { allUserIds, ids, org, request } from './org.ts';
import { scheduleCases } from './schedule-cases.ts';

interface Produced {
  origin: string;
  reason: Reason;
  platform?: string;
}

/** Runs every table through the engine and collects each reason with where it came from. */
function everyReason(): Produced[] {
  const produced: Produced[] = [];
  const add = (origin: string, reasons: readonly Reason[], platform?: string): void => {
    for (const reason of reasons) {
      produced.push(platform === undefined ? { origin, reason } : { origin, reason, platform });
    }
  };
  for (const c of scheduleCases) add(c.name, decideSchedule(c.facts ?? org(), c.request).reasons);
  for (const c of lifecycleCases) {
    const facts = c.facts ?? lifecycleFacts;
    const decision =
      c.action.kind === 'start'
        ? decideStart(facts, c.meeting)
        : decideOptionsChange(facts, c.meeting, c.action.change);
    add(c.name, decision.reasons);
  }
  for (const c of joinCases) {
    const decision = decideJoin(
      c.facts ?? org(),
      { endToEndEncryption: c.e2ee ?? true },
      c.user ?? ids.alice,
      c.client,
      c.admitted ?? 0,
    );
    add(c.name, decision.reasons, c.client.platform);
  }
  for (const c of callCases) add(c.name, decideCall(c.facts, c.caller, c.callee).reasons);
  const pq = { endToEndEncryption: true, postQuantum: { kind: 'tenant' as const } };
  const older = { platform: 'web' as const, version: '1.0.0' };
  add('post-quantum join', decideJoin(org(), pq, ids.alice, older, 0).reasons, 'web');
  const scenario = explainScenario({
    users: [{ id: 'u1' }],
    joins: [{ meeting: 'missing', user: 'u1', client: { platform: 'web', version: '1.0.0' } }],
  });
  if (scenario.kind === 'ok') add('scenario join', scenario.output.joins[0]?.reasons ?? []);
  return produced;
}

const produced = everyReason();
const otherIds = [...allUserIds, 'frank6', 'quiet7', 'u1'];
const templateNames = ['Sensitive', 'Encrypted by default', 'Big broadcast', 'no-such-template'];
const labelNames = ['Highly confidential', 'no-such-label'];

describe('reason coverage', () => {
  it.each([...reasonCodes])('%s is produced by some case', (code: ReasonCode) => {
    expect(produced.some(({ reason }) => reason.code === code)).toBe(true);
  });
});

describe('reason messages', () => {
  it('are complete sentences', () => {
    for (const { origin, reason } of produced) {
      expect(reason.message.length, origin).toBeGreaterThan(20);
      expect(reason.message, origin).toMatch(/^[A-Z].*\.$/s);
      expect(reason.message, origin).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it('never contain a user id', () => {
    for (const { origin, reason } of produced) {
      for (const id of otherIds) expect(reason.message, origin).not.toContain(id);
    }
  });

  it('name the option, label, template, policy or platform concerned', () => {
    const names = (reason: Reason, list: readonly string[]): boolean =>
      list.some((name) => reason.message.includes(`'${name}'`));
    for (const { origin, reason, platform } of produced) {
      switch (reason.code) {
        case 'FEATURE_UNAVAILABLE_IN_E2EE':
          expect(reason.option, origin).toBeDefined();
          expect(reason.message, origin).toContain(optionNames[reason.option!]);
          break;
        case 'E2EE_LOCKED_BY_LABEL':
          expect(names(reason, labelNames), `${origin}: ${reason.message}`).toBe(true);
          break;
        case 'E2EE_LOCKED_BY_TEMPLATE':
        case 'TEMPLATE_REQUIRES_E2EE':
          expect(names(reason, templateNames), `${origin}: ${reason.message}`).toBe(true);
          break;
        case 'E2EE_POLICY_DISABLED':
        case 'CALL_E2EE_DISABLED_BY_POLICY':
          expect(names(reason, ['NoE2EE', 'Global']), `${origin}: ${reason.message}`).toBe(true);
          break;
        case 'CLIENT_NOT_SUPPORTED': {
          const platformName = platformNames[platform as keyof typeof platformNames];
          expect(reason.message.toLowerCase(), origin).toContain(platformName.toLowerCase());
          expect(reason.message, origin).toMatch(/Join with .+ instead\.$|ask an admin\.$/);
          break;
        }
        default:
          break;
      }
    }
  });

  it('reads the §7 example sentence for a labelled meeting', () => {
    const decision = decideSchedule(org(), request(ids.alice, { label: 'hc' }));
    const recording = decision.reasons.find((r) => r.option === 'recording');
    expect(recording).toEqual({
      code: 'FEATURE_UNAVAILABLE_IN_E2EE',
      severity: 'info',
      option: 'recording',
      message:
        "Recording is unavailable because this meeting is end-to-end encrypted; the organizer's sensitivity label 'Highly confidential' requires it.",
    });
  });

  it('say what an ineligible organizer needs, and why the meeting is refused', () => {
    const decision = decideSchedule(org(), request(ids.bob, { label: 'hc' }));
    expect(decision.reasons.map((r) => r.message)).toEqual([
      "The organizer does not have the Premium licence that end-to-end encrypted meetings need. The organizer's sensitivity label 'Highly confidential' requires end-to-end encryption, so the meeting cannot be scheduled; it is never scheduled unencrypted instead.",
    ]);
  });

  it('name the platform and what would work for an old client', () => {
    const facts = org();
    facts.tenant.e2ee.clients.minVersion.windows = '1.4.0';
    const decision = decideJoin(
      facts,
      { endToEndEncryption: true },
      ids.bob,
      { platform: 'windows', version: '1.2.0' },
      0,
    );
    expect(decision.reasons[0]?.message).toBe(
      'Conclave for Windows 1.2.0 cannot join end-to-end encrypted meetings: this organization requires version 1.4.0 or later. Join with Conclave for Windows 1.4.0 or later, or a browser instead.',
    );
  });
});
