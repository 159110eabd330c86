// The binding of relay ids (the server's) to MLS leaves (the group's) when relay ids change hands,
// as they do when a restarted server hands them out in reconnect order (issue 16).
import type { RosterEntry } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { SenderBinding } from '../src/media/sender-binding.ts';
import { ParticipantTable, type Participant } from '../src/meeting/participants.ts';

const entry = (leafIndex: number, userId: string, deviceId: string): RosterEntry => ({
  leafIndex,
  identity: { tenantId: 't', userId, deviceId },
  signaturePublicKey: new Uint8Array(32),
  fingerprint: `fp-${leafIndex}`,
  self: false,
});
const on = (relayId: number, userId: string, deviceId?: string): Participant => ({
  participantId: `p-${userId}-${deviceId ?? 'any'}-${relayId}`,
  userId,
  displayName: userId,
  relayId,
  ...(deviceId === undefined ? {} : { deviceId }),
});

describe('SenderBinding when relay ids change hands', () => {
  it('follows the device the server names for each relay id, frame after frame', () => {
    const table = new ParticipantTable();
    table.replace([on(1, 'alice', 'a1'), on(2, 'bob', 'phone'), on(3, 'bob', 'laptop')]);
    const binding = new SenderBinding('e2ee', table);
    binding.setRoster([
      entry(0, 'alice', 'a1'),
      entry(1, 'bob', 'phone'),
      entry(2, 'bob', 'laptop'),
    ]);
    expect(binding.check(1, 0)).toBe('ok');
    binding.confirm(1, 0);
    expect(binding.check(2, 1)).toBe('ok');
    binding.confirm(2, 1);
    // Two devices of one user stay apart: bob's phone cannot send under his laptop's leaf.
    expect(binding.check(2, 2)).toBe('sender_mismatch');
    expect(binding.check(3, 1)).toBe('sender_mismatch');
    // One member cannot send under another's KID.
    expect(binding.check(1, 1)).toBe('sender_mismatch');
    expect(binding.relayOf(2)).toBe(3);
    expect(binding.leafOf(3)).toBe(2);

    // The server restarts and hands the relay ids out in another order.
    table.replace([on(1, 'bob', 'laptop'), on(2, 'alice', 'a1'), on(3, 'bob', 'phone')]);
    binding.participantsChanged();
    expect(binding.check(1, 2)).toBe('ok');
    expect(binding.check(2, 0)).toBe('ok');
    expect(binding.check(3, 1)).toBe('ok');
    // And the old pairings give nobody anything.
    expect(binding.check(1, 0)).toBe('sender_mismatch');
    expect(binding.check(2, 1)).toBe('sender_mismatch');
    expect(binding.check(3, 2)).toBe('sender_mismatch');
    expect(binding.relayOf(0)).toBe(2);
    expect(binding.leafOf(1)).toBe(2);
    // Someone who is not yet back is unknown, not someone else.
    expect(binding.check(4, 0)).toBe('unknown_sender');
  });

  it('without device ids, forgets a first-frame pairing once its relay id has a new holder', () => {
    const table = new ParticipantTable();
    table.replace([on(1, 'alice'), on(2, 'bob')]);
    const binding = new SenderBinding('e2ee', table);
    binding.setRoster([entry(0, 'alice', 'a1'), entry(1, 'bob', 'b1')]);
    binding.confirm(1, 0);
    binding.confirm(2, 1);
    expect(binding.check(1, 0)).toBe('ok');

    table.replace([on(1, 'bob'), on(2, 'alice')]);
    binding.participantsChanged();
    expect(binding.check(1, 1)).toBe('ok');
    expect(binding.check(2, 0)).toBe('ok');
    binding.confirm(1, 1);
    binding.confirm(2, 0);
    expect(binding.check(1, 0)).toBe('sender_mismatch');
    expect(binding.leafOf(1)).toBe(1);
  });
});
