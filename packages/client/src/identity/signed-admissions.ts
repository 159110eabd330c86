// Who an E2EE meeting may contain, as this member works it out itself (spec/e2ee.md "Group keys":
// admission is the organizer's, not the server's). The server hands over the statements an
// organizer's devices signed; this checks each one against the signer device's key — the
// directory's, and the key this client pinned for it before (trust on first use, as for every
// credential) — and applies the shared coverage rule. What the server merely lists counts for
// nothing. It also remembers, per meeting and across runs:
//   - the organizer first seen, so a server that later names someone else as organizer cannot
//     make that person's signatures count;
//   - the newest invitation list's sequence, so an older list served again (a replay bringing back
//     someone the organizer dropped) is ignored.
import {
  admissionCoverage,
  decodeAdmission,
  keyFingerprint,
  verifyAdmission,
  type AdmissionStatement,
  type MemberIdentity,
  type MlsCrypto,
  type PinStore,
} from '@conclave/crypto/member';
import { fromBase64 } from '../bytes.ts';
import type { KeyValueStore } from '../store/key-value.ts';
import type { AdmissionView } from '../rest/rest-client.ts';

/** Why a statement the server handed over was not counted (for diagnostics and tests). */
export type SkippedAdmission =
  'malformed' | 'unknown_signer' | 'signer_key_changed' | 'bad_signature' | 'not_this_meeting';

export interface AdmissionReading {
  /** The users the verified statements admit, the organizer included. */
  readonly users: ReadonlySet<string>;
  /** The organizer this client holds for the meeting (first seen). */
  readonly organizer: string;
  /** True when the server now names another organizer than the one first seen. */
  readonly organizerChanged: boolean;
  readonly skipped: readonly SkippedAdmission[];
}

export interface SignedAdmissionsOptions {
  readonly crypto: MlsCrypto;
  readonly pins: PinStore;
  readonly store: KeyValueStore;
  readonly tenantId: string;
  readonly now: () => number;
}

const text = new TextEncoder();
const untext = new TextDecoder();

export class SignedAdmissions {
  readonly #o: SignedAdmissionsOptions;
  /** Verified signatures, so a roster re-read does not verify the same bytes again. */
  readonly #verified = new Map<string, AdmissionStatement>();

  constructor(options: SignedAdmissionsOptions) {
    this.#o = options;
  }

  /**
   * The users meeting `view` admits by signed statements. `signerKey` is the directory's key for
   * a device (undefined: not a device of that user this client can find).
   */
  async read(
    view: AdmissionView,
    signerKey: (identity: MemberIdentity) => Uint8Array | undefined,
  ): Promise<AdmissionReading> {
    const { tenantId } = this.#o;
    const organizer = await this.#organizer(view.id, view.organizer);
    const skipped: SkippedAdmission[] = [];
    const statements: AdmissionStatement[] = [];
    for (const signed of view.signed) {
      const outcome = await this.#check(signed, signerKey);
      if (typeof outcome === 'string') skipped.push(outcome);
      else if (outcome.meetingId !== view.id || outcome.tenantId !== tenantId)
        skipped.push('not_this_meeting');
      else statements.push(outcome);
    }
    const seenKey = `admission-sequence:${tenantId}:${view.id}`;
    const seenSequence = readNumber(await this.#o.store.get(seenKey));
    const coverage = admissionCoverage(statements, {
      tenantId,
      meetingId: view.id,
      organizer,
      now: this.#o.now(),
      seenSequence,
    });
    if (coverage.sequence > seenSequence)
      await this.#o.store.set(seenKey, text.encode(String(coverage.sequence)));
    return {
      users: coverage.users,
      organizer,
      organizerChanged: organizer !== view.organizer,
      skipped,
    };
  }

  async #organizer(meetingId: string, named: string): Promise<string> {
    const key = `meeting-organizer:${this.#o.tenantId}:${meetingId}`;
    const pinned = await this.#o.store.get(key);
    if (pinned !== undefined) return untext.decode(pinned);
    await this.#o.store.set(key, text.encode(named));
    return named;
  }

  async #check(
    signed: AdmissionView['signed'][number],
    signerKey: (identity: MemberIdentity) => Uint8Array | undefined,
  ): Promise<AdmissionStatement | SkippedAdmission> {
    const cacheKey = `${signed.statement}.${signed.signature}`;
    const known = this.#verified.get(cacheKey);
    if (known !== undefined) return known;
    const statement = fromBase64(signed.statement);
    const signature = fromBase64(signed.signature);
    if (statement === undefined || signature === undefined) return 'malformed';
    let claimed: AdmissionStatement;
    try {
      claimed = decodeAdmission(statement);
    } catch {
      return 'malformed';
    }
    const directoryKey = signerKey(claimed.signer);
    if (directoryKey === undefined) return 'unknown_signer';
    const pinned = await this.#o.pins.get(claimed.signer);
    if (pinned !== undefined && keyFingerprint(pinned) !== keyFingerprint(directoryKey))
      return 'signer_key_changed';
    try {
      const verified = await verifyAdmission(
        this.#o.crypto,
        { statement, signature },
        directoryKey,
      );
      if (pinned === undefined) await this.#o.pins.set(claimed.signer, directoryKey);
      this.#verified.set(cacheKey, verified);
      return verified;
    } catch {
      return 'bad_signature';
    }
  }
}

function readNumber(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 0;
  const value = Number(untext.decode(bytes));
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
