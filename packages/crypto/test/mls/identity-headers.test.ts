// The identity encoding and the public header reader, field by field.
import { describe, expect, it } from 'vitest';
import {
  encodeIdentity,
  encodeServerIdentity,
  parseIdentity,
  parseServerIdentity,
  readMessageHeader,
  readWelcomeRecipients,
  MlsError,
  proposalReference,
  readPublicCommit,
} from '../../src/server.ts';
import {
  commitPending,
  encryptApplicationMessage,
  epoch,
  groupId,
  ownLeafIndex,
} from '../../src/member.ts';
import { deliver, startMeeting, World } from './world.ts';

describe('identity encoding', () => {
  const id = { tenantId: 'acme', userId: 'user-7f3a', deviceId: 'laptop-ü' };

  it('round-trips and has exactly one encoding', () => {
    const bytes = encodeIdentity(id);
    expect(parseIdentity(bytes)).toEqual(id);
    expect(encodeIdentity(parseIdentity(bytes))).toEqual(bytes);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x43, 0x56, 0x01, 0x01]);
  });

  it('keeps fields apart: no two identities share bytes', () => {
    const a = encodeIdentity({ tenantId: 'ab', userId: 'c', deviceId: 'd' });
    const b = encodeIdentity({ tenantId: 'a', userId: 'bc', deviceId: 'd' });
    expect(a).not.toEqual(b);
  });

  it('refuses what it cannot encode or parse unambiguously', () => {
    for (const bad of [
      { ...id, userId: '' },
      { ...id, deviceId: 'a\nb' },
      { ...id, tenantId: 'x'.repeat(256) },
      { ...id, userId: '\ud800' },
    ]) {
      expect(() => encodeIdentity(bad)).toThrow(MlsError);
    }
    const bytes = encodeIdentity(id);
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(...bytes, 0),
      bytes.subarray(0, bytes.length - 1),
      Uint8Array.of(0x43, 0x56, 0x02, ...bytes.subarray(3)),
      encodeServerIdentity({ tenantId: 'acme', serverId: 's' }),
      Uint8Array.of(0x43, 0x56, 0x01, 0x01, 1, 0xff, 1, 0x61, 1, 0x61),
    ]) {
      expect(() => parseIdentity(bad)).toThrow(expect.objectContaining({ code: 'bad_identity' }));
    }
    expect(() => parseServerIdentity(bytes)).toThrow(MlsError);
  });
});

describe('readMessageHeader on real messages', () => {
  it('reads wire format, group, epoch, content type and sender without group state', async () => {
    const world = await World.create();
    const [alice, bob] = [await world.participant('alice'), await world.participant('bob')];
    await startMeeting(world, alice);
    const bundle = await world.keyPackage(bob);
    expect(readMessageHeader(bundle.publicBytes)).toEqual({
      wireFormat: 'key_package',
      cipherSuite: 1,
    });

    const proposal = await world.proposeAdd(alice.state!, bundle.publicBytes);
    expect(readMessageHeader(proposal)).toEqual({
      wireFormat: 'public_message',
      groupId: groupId(alice.state!),
      epoch: 0n,
      sender: { kind: 'external', senderIndex: 0 },
      contentType: 'proposal',
    });
    await deliver([alice], proposal);
    const result = await commitPending(alice.ctx, alice.state!);
    if (result.kind !== 'commit') throw new Error('expected a commit');
    // Commits are PublicMessages: the delivery service reads what they apply (./commits.ts).
    expect(readMessageHeader(result.commit)).toEqual({
      wireFormat: 'public_message',
      groupId: groupId(alice.state!),
      epoch: 0n,
      sender: { kind: 'member', leafIndex: 0 },
      contentType: 'commit',
    });
    expect(readPublicCommit(result.commit)).toEqual({
      groupId: groupId(alice.state!),
      epoch: 0n,
      senderLeaf: 0,
      proposals: [{ kind: 'reference', ref: await proposalReference(world.crypto, proposal) }],
      hasPath: false,
    });
    expect(() => readPublicCommit(proposal)).toThrow(MlsError);
    expect(() => readPublicCommit(result.commit.subarray(0, 40))).toThrow(MlsError);
    expect(readMessageHeader(result.welcome!)).toEqual({ wireFormat: 'welcome', cipherSuite: 1 });
    // The delivery service routes the Welcome by the KeyPackageRefs it names, without any key.
    expect(readWelcomeRecipients(result.welcome!)).toEqual({
      cipherSuite: 1,
      keyPackageRefs: [bundle.ref],
    });
    expect(() => readWelcomeRecipients(result.commit)).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );

    const chat = await encryptApplicationMessage(alice.ctx, result.state, new Uint8Array([1]));
    expect(readMessageHeader(chat.message)).toMatchObject({
      wireFormat: 'private_message',
      epoch: epoch(result.state),
      contentType: 'application',
    });
    expect(ownLeafIndex(result.state)).toBe(0);
  });
});
