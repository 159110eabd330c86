// The organizer's side of admissions (docs/e2ee-profile.md "Who may enter"): this device signs who
// may enter an E2EE meeting and hands the statement to the server, which keeps it for members.
//   - `setInvitees`: the invitation list exactly as the organizer set it (scheduling, or the
//     invitee picker), one sequence above the newest list there is;
//   - `changeInvitees`: the newest list this device can verify as the organizer's own, plus or
//     minus people — never the server's idea of the list, which a compromised server could have
//     grown;
//   - `admit`: people let in from the lobby (the organizer, or a co-organizer the list names);
//   - `admitCallee`: the one person a 1:1 E2EE call this user placed may contain besides them.
import {
  decodeAdmission,
  signAdmission,
  verifyAdmission,
  type AdmissionStatement,
  type DeviceCredential,
  type MlsCrypto,
} from '@conclave/crypto/member';
import type { AdmissionSubmitted } from '@conclave/protocol';
import { fromBase64, toBase64 } from '../bytes.ts';
import type { Clock } from '../clock.ts';
import { ClientError } from '../errors.ts';
import type { AdmissionView, RestClient } from '../rest/rest-client.ts';

/** How long an invitation list counts: a newer list replaces it long before (documented). */
export const INVITATION_LIST_VALIDITY_MS = 366 * 24 * 3_600_000;
/** How long a lobby admission counts: the sitting it was given for. */
export const LOBBY_ADMISSION_VALIDITY_MS = 12 * 3_600_000;
/** How long a call's admission counts: longer than any call runs (the call id is never reused). */
export const CALL_ADMISSION_VALIDITY_MS = 7 * 24 * 3_600_000;

export interface InvitationOptions {
  /** People who may also admit from the lobby (they are admitted too). */
  readonly coOrganizers?: readonly string[];
  /** Default: a year from now. */
  readonly expiresAt?: number;
}

export class OrganizerAdmissions {
  readonly #rest: Pick<RestClient, 'admissions' | 'submitAdmission' | 'directory'>;
  readonly #device: DeviceCredential;
  readonly #crypto: MlsCrypto;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(options: {
    rest: Pick<RestClient, 'admissions' | 'submitAdmission' | 'directory'>;
    device: DeviceCredential;
    crypto: MlsCrypto;
    clock: Pick<Clock, 'now'>;
  }) {
    this.#rest = options.rest;
    this.#device = options.device;
    this.#crypto = options.crypto;
    this.#clock = options.clock;
  }

  /** Signs `users` as the meeting's whole invitation list. */
  async setInvitees(
    meetingId: string,
    users: readonly string[],
    options: InvitationOptions = {},
  ): Promise<AdmissionSubmitted> {
    const view = await this.#rest.admissions(meetingId);
    return this.#submit(meetingId, {
      kind: 'invitation-list',
      sequence: newestSequence(view) + 1,
      users: users.filter((user) => user !== this.#device.identity.userId),
      coOrganizers: options.coOrganizers ?? [],
      expiresAt: options.expiresAt ?? this.#clock.now() + INVITATION_LIST_VALIDITY_MS,
    });
  }

  /**
   * Adds and removes people on the newest list this device verifies as the organizer's own
   * (empty when there is none), keeping its co-organizers.
   */
  async changeInvitees(
    meetingId: string,
    change: { readonly add?: readonly string[]; readonly remove?: readonly string[] },
  ): Promise<AdmissionSubmitted> {
    const view = await this.#rest.admissions(meetingId);
    const own = await this.#newestOwnList(view);
    const users = new Set(own?.users ?? []);
    for (const user of change.add ?? []) users.add(user);
    for (const user of change.remove ?? []) users.delete(user);
    const coOrganizers = (own?.coOrganizers ?? []).filter((user) => users.has(user));
    return this.#submit(meetingId, {
      kind: 'invitation-list',
      sequence: newestSequence(view) + 1,
      users: [...users].filter((user) => user !== this.#device.identity.userId),
      coOrganizers,
      expiresAt: this.#clock.now() + INVITATION_LIST_VALIDITY_MS,
    });
  }

  /** Lets `users` in from the lobby. */
  async admit(meetingId: string, users: readonly string[]): Promise<AdmissionSubmitted> {
    if (users.length === 0) throw new ClientError('invalid_argument');
    return this.#submit(meetingId, {
      kind: 'lobby',
      sequence: 0,
      users,
      coOrganizers: [],
      expiresAt: this.#clock.now() + LOBBY_ADMISSION_VALIDITY_MS,
    });
  }

  /**
   * Signs the callee of call `callId`, which this user placed, as the one person it may contain
   * besides them: the two sides admit no one else, whoever the server says is on the call.
   */
  async admitCallee(callId: string, callee: string): Promise<AdmissionSubmitted> {
    return this.#submit(
      callId,
      {
        kind: 'invitation-list',
        sequence: 1,
        users: [callee],
        coOrganizers: [],
        expiresAt: this.#clock.now() + CALL_ADMISSION_VALIDITY_MS,
      },
      'call',
    );
  }

  async #submit(
    meetingId: string,
    what: Pick<AdmissionStatement, 'kind' | 'sequence' | 'users' | 'coOrganizers' | 'expiresAt'>,
    target: 'meeting' | 'call' = 'meeting',
  ): Promise<AdmissionSubmitted> {
    const identity = this.#device.identity;
    const signed = await signAdmission(this.#crypto, this.#device.keyPair.privateKey, {
      ...what,
      tenantId: identity.tenantId,
      meetingId,
      signer: identity,
      issuedAt: this.#clock.now(),
    });
    return this.#rest.submitAdmission(
      meetingId,
      { statement: toBase64(signed.statement), signature: toBase64(signed.signature) },
      target,
    );
  }

  /** The newest invitation list signed by one of this user's own devices, checked. */
  async #newestOwnList(view: AdmissionView): Promise<AdmissionStatement | undefined> {
    const me = this.#device.identity;
    const directory = await this.#rest.directory();
    const keys = new Map(
      directory.users
        .filter((user) => user.id === me.userId)
        .flatMap((user) => user.devices.map((d) => [d.id, fromBase64(d.signaturePublicKey)])),
    );
    keys.set(me.deviceId, this.#device.keyPair.publicKey);
    let newest: AdmissionStatement | undefined;
    for (const signed of view.signed) {
      const statement = fromBase64(signed.statement);
      const signature = fromBase64(signed.signature);
      if (statement === undefined || signature === undefined) continue;
      try {
        const claimed = decodeAdmission(statement);
        const key = keys.get(claimed.signer.deviceId);
        if (claimed.kind !== 'invitation-list' || claimed.signer.userId !== me.userId || !key)
          continue;
        const verified = await verifyAdmission(this.#crypto, { statement, signature }, key);
        if (verified.meetingId !== view.id) continue;
        if (newest === undefined || verified.sequence > newest.sequence) newest = verified;
      } catch {
        continue;
      }
    }
    return newest;
  }
}

/** The highest invitation-list sequence among the statements (checked or not: it is a counter). */
function newestSequence(view: AdmissionView): number {
  let newest = 0;
  for (const signed of view.signed) {
    const bytes = fromBase64(signed.statement);
    if (bytes === undefined) continue;
    try {
      const statement = decodeAdmission(bytes);
      if (statement.kind === 'invitation-list') newest = Math.max(newest, statement.sequence);
    } catch {
      continue;
    }
  }
  return newest;
}
