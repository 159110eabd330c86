// What the delivery service accepts as an epoch's commit, judged from public data only, against
// real commits and Welcomes made by a real MLS member: only a member it asked, only its own
// proposals (by reference), and joiners placed where the commit itself puts them.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  externalSenderInfo,
  generateExternalSender,
  proposalReference,
  proposeExternalAdd,
  proposeExternalRemove,
  type MemberIdentity,
  type MlsCrypto,
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
  type MeetingContext,
  type MeetingState,
} from '@conclave/crypto/member';
import { commitWithInlineProposals } from '../../../../packages/crypto/test/mls/member-forgery.ts';
/* eslint-enable no-restricted-imports */
import { checkCommit, type GroupView } from '../../src/realtime/mls/commit-check.ts';
import type { Member, Proposal } from '../../src/realtime/mls/group.ts';
import type { ClientMessageOf } from '../../src/realtime/signaling.ts';
import { mlsCrypto } from './support/mls-client.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const groupId = new Uint8Array(16).fill(7);

let crypto: MlsCrypto;
let ctx: MeetingContext;
/** Alice's group at epoch 1 (alice, bob, carol), before the server's proposals of that epoch. */
let atOne: MeetingState;
let group: GroupView;
let alice: Member;
let commit: ClientMessageOf<'commit'>;
let proposalBytes: Uint8Array;
/** Epoch 1: alice, bob, carol; the server proposed bob's Remove and dave's Add; alice committed. */
let churn: { view: GroupView; commit: ClientMessageOf<'commit'> };

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

async function addProposal(
  name: string,
  seq: number,
  epoch: bigint,
  bundle: KeyPackageBundle,
  message: Uint8Array,
): Promise<Proposal> {
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
    flushed: { epoch, message, ref: await proposalReference(crypto, message) },
    attempts: 0,
    departed: false,
  };
}

const refsOf = (view: GroupView) =>
  new Map(view.proposals.flatMap((p) => (p.flushed ? [[p.flushed.ref, p] as const] : [])));

const check = (view: GroupView, author: Member, message: ClientMessageOf<'commit'>, asked = true) =>
  checkCommit(view, author, message, asked, refsOf(view));

beforeAll(async () => {
  crypto = await mlsCrypto();
  const server = await generateExternalSender(crypto, { tenantId: 't', serverId: 'conclave' });
  const identity = (name: string): MemberIdentity => ({
    tenantId: 't',
    userId: name,
    deviceId: `d-${name}`,
  });
  const devices = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((n) => createDevice(crypto, identity(n))),
  );
  const [a, b, c, d] = devices;
  if (a === undefined || b === undefined || c === undefined || d === undefined)
    throw new Error('devices');
  ctx = createMeetingContext({
    crypto,
    authenticator: createAuthenticator({
      directory: staticDirectory({
        devices: devices.map((device) => ({
          identity: device.identity,
          signaturePublicKey: device.keyPair.publicKey,
        })),
      }),
      pins: new InMemoryPinStore(),
    }),
    server: externalSenderInfo(server),
  });
  let state = await createMeeting(ctx, a, { groupId });
  const bundles = await Promise.all([b, c].map((device) => generateKeyPackage(crypto, device)));
  const proposals: Proposal[] = [];
  for (const [i, bundle] of bundles.entries()) {
    const message = await proposeExternalAdd(
      crypto,
      server,
      { groupId, epoch: 0n },
      bundle.publicBytes,
    );
    if (i === 0) proposalBytes = message;
    state = (await receiveMessage(ctx, state, message)).state;
    proposals.push(await addProposal(i === 0 ? 'bob' : 'carol', i, 0n, bundle, message));
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
  };

  // Epoch 1: the server removes bob (leaf 1) and adds dave in one batch.
  atOne = result.state;
  let next = result.state;
  const bob = member('bob', 1);
  const removeBob = await proposeExternalRemove(crypto, server, { groupId, epoch: 1n }, 1);
  next = (await receiveMessage(ctx, next, removeBob)).state;
  const daveBundle = await generateKeyPackage(crypto, d);
  const addDave = await proposeExternalAdd(
    crypto,
    server,
    { groupId, epoch: 1n },
    daveBundle.publicBytes,
  );
  next = (await receiveMessage(ctx, next, addDave)).state;
  const churned = await commitPending(ctx, next);
  if (churned.kind !== 'commit' || churned.welcome === undefined) throw new Error('no commit');
  churn = {
    view: {
      groupId,
      epoch: 1n,
      members: new Map([alice, bob, member('carol', 2)].map((m) => [m.participantId, m])),
      proposals: [
        {
          proposalId: 'rm-bob',
          seq: 3,
          kind: 'remove',
          participantId: bob.participantId,
          userId: bob.userId,
          deviceId: bob.deviceId,
          leafIndex: 1,
          keyPackage: null,
          keyPackageRef: null,
          flushed: {
            epoch: 1n,
            message: removeBob,
            ref: await proposalReference(crypto, removeBob),
          },
          attempts: 0,
          departed: false,
        },
        await addProposal('dave', 4, 1n, daveBundle, addDave),
      ],
    },
    commit: {
      type: 'commit',
      meetingId: 'm',
      epoch: '1',
      commit: b64(churned.commit),
      welcome: b64(churned.welcome),
    },
  };
});

describe('checkCommit', () => {
  it('accepts the asked member’s commit and places joiners on the leftmost blank leaves, in the commit’s order', () => {
    const accepted = check(group, alice, commit);
    expect(accepted.kind).toBe('accept');
    if (accepted.kind !== 'accept') return;
    expect(accepted.added.map((a) => [a.proposal.participantId, a.leafIndex])).toEqual([
      ['p-bob', 1],
      ['p-carol', 2],
    ]);
    expect(accepted.uncovered).toEqual([]);
  });

  it('places joiners after Removes: a removed leaf is the first one given out again', () => {
    const accepted = check(churn.view, alice, churn.commit);
    expect(accepted.kind).toBe('accept');
    if (accepted.kind !== 'accept') return;
    expect(accepted.covered.map((p) => p.proposalId).sort()).toEqual(['add-dave', 'rm-bob']);
    // bob's leaf 1 is blank after the Remove: dave takes it (carol keeps 2).
    expect(accepted.added.map((a) => [a.proposal.participantId, a.leafIndex])).toEqual([
      ['p-dave', 1],
    ]);
  });

  it('answers other epochs with stale or future, and refuses what does not fit', () => {
    expect(check({ ...group, epoch: 1n }, alice, commit)).toEqual({
      kind: 'reject',
      reason: 'stale-epoch',
    });
    expect(check(group, alice, { ...commit, epoch: '1' })).toEqual({
      kind: 'reject',
      reason: 'future-epoch',
    });
    const invalid = (change: Partial<ClientMessageOf<'commit'>>, view: GroupView = group) =>
      check(view, alice, { ...commit, ...change }).kind;
    // A Welcome missing, or not a Welcome.
    const { welcome: _welcome, ...withoutWelcome } = commit;
    expect(check(group, alice, withoutWelcome).kind).toBe('invalid');
    expect(invalid({ welcome: b64(proposalBytes) })).toBe('invalid');
    // Not a commit at all, or a commit of another group.
    expect(invalid({ commit: b64(proposalBytes) })).toBe('invalid');
    expect(invalid({ commit: 'AAAA' })).toBe('invalid');
    expect(invalid({}, { ...group, groupId: new Uint8Array(16) })).toBe('invalid');
  });

  it('treats a commit from a member nobody asked as a violation (bytes that are no commit stay a typed error)', () => {
    expect(check(group, alice, commit, false)).toEqual({
      kind: 'violation',
      violation: 'unrequested-commit',
    });
    expect(check(group, alice, { ...commit, commit: 'AAAA' }, false).kind).toBe('invalid');
  });

  it('treats a commit that names another member’s leaf as its sender as a violation', () => {
    expect(check(group, member('alice', 3), commit)).toEqual({
      kind: 'violation',
      violation: 'wrong-sender',
    });
  });

  it('treats a proposal the server did not send this epoch as a violation', () => {
    const onlyBob: GroupView = { ...group, proposals: group.proposals.slice(0, 1) };
    expect(check(onlyBob, alice, commit)).toEqual({
      kind: 'violation',
      violation: 'foreign-proposal',
    });
    const ofAnotherEpoch: GroupView = {
      ...group,
      proposals: group.proposals.map((p) =>
        p.flushed === undefined ? p : { ...p, flushed: { ...p.flushed, epoch: 5n } },
      ),
    };
    expect(checkCommit(ofAnotherEpoch, alice, commit, true, refsOf(ofAnotherEpoch)).kind).toBe(
      'violation',
    );
  });

  it('treats a commit carrying a proposal of the member’s own (removing another) as a violation', async () => {
    const forged = await commitWithInlineProposals({ name: 'alice', ctx, state: atOne }, [
      { proposalType: 'remove', remove: { removed: 2 } },
    ]);
    expect(
      check(churn.view, alice, { type: 'commit', meetingId: 'm', epoch: '1', commit: b64(forged) }),
    ).toEqual({ kind: 'violation', violation: 'member-proposal' });
  });
});
