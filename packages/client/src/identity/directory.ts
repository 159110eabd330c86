// The authentication service's view of the directory: `GET /api/directory/users`, fetched when a
// meeting starts and again (at most once per `refreshIntervalMs`, see ./authenticator.ts) when a
// credential does not match what it holds — a device registered, or re-keyed, after we looked.
// Only this tenant's devices are ever admitted.
import type { Directory, DirectoryAnswer, MemberIdentity } from '@conclave/crypto/member';
import { fromBase64 } from '../bytes.ts';
import type { Clock } from '../clock.ts';
import type { DirectoryView, RestClient } from '../rest/rest-client.ts';

interface Entry {
  readonly userId: string;
  readonly key: Uint8Array;
}

export class LiveDirectory implements Directory {
  readonly #rest: Pick<RestClient, 'directory'>;
  readonly #tenantId: string;
  readonly #clock: Clock;
  readonly #refreshIntervalMs: number;
  #devices = new Map<string, Entry>();
  #names = new Map<string, string>();
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;

  constructor(options: {
    rest: Pick<RestClient, 'directory'>;
    tenantId: string;
    clock: Clock;
    refreshIntervalMs?: number;
  }) {
    this.#rest = options.rest;
    this.#tenantId = options.tenantId;
    this.#clock = options.clock;
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 1_000;
  }

  /** Fetches the directory now (coalesced with a fetch already running). */
  refresh(): Promise<void> {
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  displayName(userId: string): string | undefined {
    return this.#names.get(userId);
  }

  signatureKey(identity: MemberIdentity): Uint8Array | undefined {
    if (identity.tenantId !== this.#tenantId) return undefined;
    return this.#devices.get(identity.deviceId)?.key;
  }

  lookup(identity: MemberIdentity): DirectoryAnswer {
    if (identity.tenantId !== this.#tenantId) return { kind: 'unknown_device' };
    const entry = this.#devices.get(identity.deviceId);
    if (entry === undefined || entry.userId !== identity.userId) return { kind: 'unknown_device' };
    return { kind: 'admitted', signaturePublicKey: entry.key };
  }

  /** Whether a refresh is allowed now (not more than once per interval). */
  mayRefresh(): boolean {
    return this.#clock.now() - this.#fetchedAt >= this.#refreshIntervalMs;
  }

  async #fetch(): Promise<void> {
    this.#fetchedAt = this.#clock.now();
    this.#load(await this.#rest.directory());
  }

  #load(view: DirectoryView): void {
    const devices = new Map<string, Entry>();
    const names = new Map<string, string>();
    for (const user of view.users) {
      names.set(user.id, user.displayName);
      for (const device of user.devices) {
        const key = fromBase64(device.signaturePublicKey);
        if (key !== undefined) devices.set(device.id, { userId: user.id, key });
      }
    }
    this.#devices = devices;
    this.#names = names;
  }
}
