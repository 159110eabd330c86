// Organizer admissions: one encoding per statement, signatures only the organizer's device can
// make, and the coverage rule server and members share.
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevice, createMlsCrypto, type DeviceCredential } from '../../src/member.ts';
import {
  admissionCoverage,
  decodeAdmission,
  encodeAdmission,
  signAdmission,
  verifyAdmission,
  type AdmissionStatement,
  type MlsCrypto,
} from '../../src/server.ts';

let crypto: MlsCrypto;
let organizer: DeviceCredential;
let other: DeviceCredential;

const now = 1_800_000_000_000;
const signer = { tenantId: 't1', userId: 'dave', deviceId: 'dev-1' };
const list: AdmissionStatement = {
  kind: 'invitation-list',
  tenantId: 't1',
  meetingId: 'm1',
  signer,
  sequence: 1,
  issuedAt: now,
  expiresAt: now + 86_400_000,
  users: ['bob', 'alice'],
  coOrganizers: [],
};

beforeAll(async () => {
  crypto = await createMlsCrypto();
  organizer = await createDevice(crypto, signer);
  other = await createDevice(crypto, { tenantId: 't1', userId: 'mallory', deviceId: 'dev-9' });
});

describe('an admission statement', () => {
  it('decodes to what was encoded, with its people sorted', () => {
    const decoded = decodeAdmission(encodeAdmission(list));
    expect(decoded).toEqual({ ...list, users: ['alice', 'bob'] });
  });

  it('has one encoding: an unsorted list, trailing bytes or another version are refused', () => {
    const bytes = encodeAdmission(list);
    expect(() => decodeAdmission(Uint8Array.of(...bytes, 0))).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    const otherVersion = bytes.slice();
    otherVersion[2] = 2;
    expect(() => decodeAdmission(otherVersion)).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    // Swap the two users' bytes in place: same length, not sorted.
    const text = new TextDecoder().decode(bytes);
    const swapped = new TextEncoder().encode(text.replace('alice', 'zzzzz'));
    expect(() => decodeAdmission(swapped)).toThrow(expect.objectContaining({ code: 'malformed' }));
    for (let cut = 0; cut < bytes.length; cut += 7)
      expect(() => decodeAdmission(bytes.subarray(0, cut))).toThrow(
        expect.objectContaining({ code: 'malformed' }),
      );
  });

  it('refuses statements that say nothing sensible', () => {
    expect(() => encodeAdmission({ ...list, sequence: 0 })).toThrow();
    expect(() => encodeAdmission({ ...list, expiresAt: list.issuedAt })).toThrow();
    expect(() => encodeAdmission({ ...list, kind: 'lobby' })).toThrow(); // lobby has sequence 0
    expect(() => encodeAdmission({ ...list, users: [''] })).toThrow();
  });
});

describe('a signed admission', () => {
  it('verifies under the signer key and no other', async () => {
    const signed = await signAdmission(crypto, organizer.keyPair.privateKey, list);
    await expect(verifyAdmission(crypto, signed, organizer.keyPair.publicKey)).resolves.toEqual(
      decodeAdmission(signed.statement),
    );
    await expect(verifyAdmission(crypto, signed, other.keyPair.publicKey)).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });

  it('is refused when one bit of the statement or signature changes', async () => {
    const signed = await signAdmission(crypto, organizer.keyPair.privateKey, list);
    const forged = encodeAdmission({ ...list, users: ['alice', 'bob', 'mallory'] });
    await expect(
      verifyAdmission(crypto, { ...signed, statement: forged }, organizer.keyPair.publicKey),
    ).rejects.toMatchObject({ code: 'bad_signature' });
    const signature = signed.signature.slice();
    signature[5] = signature[5]! ^ 1;
    await expect(
      verifyAdmission(crypto, { ...signed, signature }, organizer.keyPair.publicKey),
    ).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('is not a plain signature over the statement (the label separates it from MLS signatures)', async () => {
    const bytes = encodeAdmission(list);
    const plain = await crypto.impl.signature.sign(organizer.keyPair.privateKey, bytes);
    await expect(
      verifyAdmission(crypto, { statement: bytes, signature: plain }, organizer.keyPair.publicKey),
    ).rejects.toMatchObject({ code: 'bad_signature' });
  });
});

describe('coverage', () => {
  const context = { tenantId: 't1', meetingId: 'm1', organizer: 'dave', now };
  const lobby = (
    by: string,
    users: string[],
    extra: Partial<AdmissionStatement> = {},
  ): AdmissionStatement => ({
    ...list,
    kind: 'lobby',
    sequence: 0,
    coOrganizers: [],
    signer: { ...signer, userId: by },
    users,
    ...extra,
  });

  it('lets in the organizer, the newest list and lobby admissions by an organizer', () => {
    const older = { ...list, users: ['alice', 'bob', 'erin'] };
    const newer = { ...list, sequence: 2, users: ['alice', 'bob'] };
    const coverage = admissionCoverage([older, newer, lobby('dave', ['carol'])], context);
    expect([...coverage.users].sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(coverage.sequence).toBe(2);
  });

  it('lets a co-organizer the newest list names admit from the lobby, and no one else', () => {
    const named = { ...list, coOrganizers: ['alice'] };
    const coverage = admissionCoverage(
      [named, lobby('alice', ['carol']), lobby('bob', ['mallory'])],
      context,
    );
    expect(coverage.users.has('carol')).toBe(true);
    expect(coverage.users.has('mallory')).toBe(false);
    expect(coverage.users.has('alice')).toBe(true);
  });

  it('counts nothing signed by someone other than the organizer, expired, or for another meeting', () => {
    const coverage = admissionCoverage(
      [
        { ...list, signer: { ...signer, userId: 'mallory' }, users: ['x1'] },
        { ...list, expiresAt: now, users: ['x2'] },
        { ...list, meetingId: 'm2', users: ['x3'] },
        { ...list, tenantId: 't2', signer: { ...signer, tenantId: 't2' }, users: ['x4'] },
        lobby('dave', ['x5'], { expiresAt: now - 1 }),
      ],
      context,
    );
    expect([...coverage.users]).toEqual(['dave']);
  });

  it('ignores a list older than one the reader has seen (a replay)', () => {
    const coverage = admissionCoverage([list], { ...context, seenSequence: 2 });
    expect([...coverage.users]).toEqual(['dave']);
  });
});
