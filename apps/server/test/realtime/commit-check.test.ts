// What the delivery service accepts as an epoch's commit, judged from public data only, against a
// real commit and Welcome made by a real MLS member.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  externalSenderInfo,
  generateExternalSender,
  proposeExternalAdd,
  type MemberIdentity,
} from '@conclave/crypto/server';
/* eslint-disable no-restricted-imports -- the test plays the MLS member that commits */
import {
  commitPending,
  createAuthenticator,
  createDevice,
  createMeeting,
  createMeetingContext,
  generateKeyPackage,
  InMemoryPinStore,
  receiveMessage,
  staticDirectory,
  type KeyPackageBundle,
} from '@conclave/crypto/member';
/* eslint-enable no-restricted-imports */
import { checkCommit, type GroupView } from '../../src/realtime/mls/commit-check.ts';
import type { Member, Proposal } from '../../src/realtime/mls/group.ts';
import type { ClientMessageOf } from '../../src/realtime/signaling.ts';
import { mlsCrypto } from './support/mls-client.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const groupId = new Uint8Array(16).fill(7);

let group: GroupView;
let alice: Member;
let commit: ClientMessageOf<'commit'>;
let proposalBytes: Uint8Array;

function member(name: string, leafIndex: number): Member {
  return {
    participantId: `p-${name}`,
    userId: name,
    deviceId: `d-${name}`,
    leafIndex,
    confirmed: true,
    grace: undefined,
  };
}

function addProposal(
  name: string,
  seq: number,
  bundle: KeyPackageBundle,
  message: Uint8Array,
): Proposal {
  return {
    proposalId: `add-${name}`,
    seq,
    kind: 'add',
    participantId: `p-${name}`,
    userId: name,
    deviceId: `d-${name}`,
    leafIndex: null,
    keyPackage: bundle.publicBytes,
    keyPackageRef: hex(bundle.ref),
    flushed: { epoch: 0n, message },
    attempts: 0,
    departed: false,
  };
}

beforeAll(async () => {
  const crypto = await mlsCrypto();
  const server = await generateExternalSender(crypto, { tenantId: 't', serverId: 'conclave' });
  const identity = (name: string): MemberIdentity => ({
    tenantId: 't',
    userId: name,
    deviceId: `d-${name}`,
  });
  const [a, b, c] = await Promise.all(
    ['alice', 'bob', 'carol'].map((n) => createDevice(crypto, identity(n))),
  );
  if (a === undefined || b === undefined || c === undefined) throw new Error('devices');
  const ctx = createMeetingContext({
    crypto,
    authenticator: createAuthenticator({
      directory: staticDirectory({
        devices: [a, b, c].map((d) => ({
          identity: d.identity,
          signaturePublicKey: d.keyPair.publicKey,
        })),
      }),
      pins: new InMemoryPinStore(),
    }),
    server: externalSenderInfo(server),
  });
  let state = await createMeeting(ctx, a, { groupId });
  const bundles = await Promise.all([b, c].map((d) => generateKeyPackage(crypto, d)));
  const proposals: Proposal[] = [];
  for (const [i, bundle] of bundles.entries()) {
    const message = await proposeExternalAdd(
      crypto,
      server,
      { groupId, epoch: 0n },
      bundle.publicBytes,
    );
    if (i === 0) proposalBytes = message;
    const received = await receiveMessage(ctx, state, message);
    state = received.state;
    proposals.push(addProposal(i === 0 ? 'bob' : 'carol', i, bundle, message));
  }
  const result = await commitPending(ctx, state);
  if (result.kind !== 'commit' || result.welcome === undefined) throw new Error('no commit');
  alice = member('alice', 0);
  group = { groupId, epoch: 0n, members: new Map([[alice.participantId, alice]]), proposals };
  commit = {
    type: 'commit',
    meetingId: 'm',
    epoch: '0',
    commit: b64(result.commit),
    welcome: b64(result.welcome),
    proposals: ['add-bob', 'add-carol'],
    added: [
      { participantId: 'p-bob', leafIndex: 1 },
      { participantId: 'p-carol', leafIndex: 2 },
    ],
  };
});

describe('checkCommit', () => {
  it('accepts the commit with its joiners on the leftmost blank leaves, in either order', () => {
    const accepted = checkCommit(group, alice, commit);
    expect(accepted.kind).toBe('accept');
    if (accepted.kind !== 'accept') return;
    expect(accepted.added.map((a) => [a.proposal.participantId, a.leafIndex])).toEqual([
      ['p-bob', 1],
      ['p-carol', 2],
    ]);
    expect(accepted.uncovered).toEqual([]);
    const swapped = {
      ...commit,
      added: [
        { participantId: 'p-bob', leafIndex: 2 },
        { participantId: 'p-carol', leafIndex: 1 },
      ],
    };
    expect(checkCommit(group, alice, swapped).kind).toBe('accept');
  });

  it('answers other epochs with stale or future, and refuses what does not fit', () => {
    expect(checkCommit({ ...group, epoch: 1n }, alice, commit)).toEqual({
      kind: 'reject',
      reason: 'stale-epoch',
    });
    expect(checkCommit(group, alice, { ...commit, epoch: '1' })).toEqual({
      kind: 'reject',
      reason: 'future-epoch',
    });
    const invalid = (change: Partial<ClientMessageOf<'commit'>>, view: GroupView = group) =>
      checkCommit(view, alice, { ...commit, ...change }).kind;
    // Leaf 5 is not a leaf this commit can give; two joiners on one leaf; a joiner left out.
    expect(
      invalid({
        added: [
          { participantId: 'p-bob', leafIndex: 1 },
          { participantId: 'p-carol', leafIndex: 5 },
        ],
      }),
    ).toBe('invalid');
    expect(
      invalid({
        added: [
          { participantId: 'p-bob', leafIndex: 1 },
          { participantId: 'p-carol', leafIndex: 1 },
        ],
      }),
    ).toBe('invalid');
    expect(invalid({ added: [{ participantId: 'p-bob', leafIndex: 1 }] })).toBe('invalid');
    // A proposal of another epoch or listed twice; a Welcome missing, or naming someone not covered.
    expect(invalid({ proposals: ['add-bob', 'add-zoe'] })).toBe('invalid');
    expect(invalid({ proposals: ['add-bob', 'add-bob', 'add-carol'] })).toBe('invalid');
    const { welcome: _welcome, ...withoutWelcome } = commit;
    expect(checkCommit(group, alice, withoutWelcome).kind).toBe('invalid');
    expect(
      invalid({ proposals: ['add-bob'], added: [{ participantId: 'p-bob', leafIndex: 1 }] }),
    ).toBe('invalid');
    // Not a commit at all, or a commit of another group.
    expect(invalid({ commit: b64(proposalBytes) })).toBe('invalid');
    expect(invalid({ commit: 'AAAA' })).toBe('invalid');
    expect(invalid({}, { ...group, groupId: new Uint8Array(16) })).toBe('invalid');
    expect(invalid({ welcome: b64(proposalBytes) })).toBe('invalid');
  });

  it('places joiners after Removes: a removed leaf is the first one given out again', () => {
    const dan = member('dan', 1);
    const erin = member('erin', 2);
    const removal = (target: Member): Proposal => ({
      proposalId: `rm-${target.userId}`,
      seq: 9,
      kind: 'remove',
      participantId: target.participantId,
      userId: target.userId,
      deviceId: target.deviceId,
      leafIndex: target.leafIndex,
      keyPackage: null,
      keyPackageRef: null,
      flushed: { epoch: 0n, message: proposalBytes },
      attempts: 0,
      departed: false,
    });
    const view: GroupView = {
      ...group,
      members: new Map([alice, dan, erin].map((m) => [m.participantId, m])),
      proposals: [...group.proposals, removal(dan), removal(alice)],
    };
    const withLeaves = (
      bob: number,
      carol: number,
      proposals = ['add-bob', 'add-carol', 'rm-dan'],
    ) => ({
      ...commit,
      proposals,
      added: [
        { participantId: 'p-bob', leafIndex: bob },
        { participantId: 'p-carol', leafIndex: carol },
      ],
    });
    // dan's leaf 1 is blank after the Remove; the next blank one is 3 (erin keeps 2).
    expect(checkCommit(view, alice, withLeaves(1, 3)).kind).toBe('accept');
    expect(checkCommit(view, alice, withLeaves(3, 1)).kind).toBe('accept');
    expect(checkCommit(view, alice, withLeaves(1, 2)).kind).toBe('invalid');
    expect(checkCommit(view, alice, withLeaves(3, 4)).kind).toBe('invalid');
    // Without the Remove, leaf 1 is still dan's.
    expect(checkCommit(view, alice, withLeaves(1, 3, ['add-bob', 'add-carol'])).kind).toBe(
      'invalid',
    );
    // Nobody commits their own removal.
    expect(
      checkCommit(view, alice, withLeaves(1, 3, ['add-bob', 'add-carol', 'rm-dan', 'rm-alice']))
        .kind,
    ).toBe('invalid');
  });
});
