// The authentication service's view of the directory: `GET /api/directory/users`, fetched when a
// meeting starts and again when a credential does not match what it holds — a device registered,
// or re-keyed, after we looked. Re-reads are throttled (at most one fetch per `refreshIntervalMs`,
// so a flood of unknown credentials costs one fetch a second), and a caller that needs fresher
// data waits for the next allowed fetch rather than judging on a stale copy (./authenticator.ts).
// Only this tenant's devices are ever admitted.
//
// Once the meeting is joined it also reads who the meeting may contain
// (`GET /api/directory/admissions/:id`: organizer, invitees, everyone admitted; a call's two
// sides), with every fetch, and answers `not_admitted` for a device of anyone else — unreadable
// list included (fail closed). The server is trusted for that list; it is what the server says,
// made visible and enforced by every member.
import type { Directory, DirectoryAnswer, MemberIdentity } from '@conclave/crypto/member';
import { fromBase64 } from '../bytes.ts';
import type { Clock } from '../clock.ts';
import type { AdmissionView, DirectoryView, RestClient } from '../rest/rest-client.ts';

/** Someone the meeting may contain, as the admission list names them. */
export type AdmittedPerson = AdmissionView['users'][number];

interface Entry {
  readonly userId: string;
  readonly key: Uint8Array;
}

/** One fetch of the directory: when it left, and its answer once it came. */
interface Fetch {
  readonly startedAt: number;
  readonly done: Promise<void>;
}

type DirectoryRest = Pick<RestClient, 'directory'> & Partial<Pick<RestClient, 'admissions'>>;

export class LiveDirectory implements Directory {
  readonly #rest: DirectoryRest;
  readonly #tenantId: string;
  readonly #clock: Clock;
  readonly #refreshIntervalMs: number;
  #devices = new Map<string, Entry>();
  #names = new Map<string, string>();
  /** The meeting or call whose admission list is read with the directory, once joined. */
  #target: string | undefined;
  /** Who it may contain, by user id; undefined until read (then nobody is admitted). */
  #admitted: Map<string, AdmittedPerson> | undefined;
  /** When the last fetch (finished or not) left: the throttle counts from there. */
  #lastStart = Number.NEGATIVE_INFINITY;
  #inFlight: Fetch | undefined;
  /** The next throttled fetch, shared by everyone waiting for it. */
  #next: Fetch | undefined;

  constructor(options: {
    rest: DirectoryRest;
    tenantId: string;
    clock: Clock;
    refreshIntervalMs?: number;
  }) {
    this.#rest = options.rest;
    this.#tenantId = options.tenantId;
    this.#clock = options.clock;
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 1_000;
  }

  /** Fetches the directory now, unthrottled (coalesced with a fetch already running). */
  refresh(): Promise<void> {
    return this.#start().done;
  }

  /**
   * Resolves once the view comes from a fetch that left at or after `since` (the moment the caller
   * found its copy stale): a fetch already on its way before then cannot know what appeared since,
   * so it is waited out, then the next fetch is made as soon as the throttle allows — at most one
   * interval later. Everyone waiting meanwhile shares that one fetch. Rejects if it fails.
   */
  async refreshSince(since: number): Promise<void> {
    for (;;) {
      const running = this.#inFlight;
      if (running !== undefined) {
        if (running.startedAt >= since) return running.done;
        await running.done.catch(() => undefined);
        continue;
      }
      this.#next ??= this.#throttled();
      return this.#next.done;
    }
  }

  /**
   * From now on, only users meeting or call `id` may contain are admitted; reads its list now
   * (with the directory). A failed read leaves nobody admitted until a later refresh succeeds.
   */
  async admitFrom(id: string): Promise<void> {
    if (this.#target === id) return;
    this.#target = id;
    this.#admitted = undefined;
    // A fetch already on its way did not ask for the list: a new one does.
    await this.#inFlight?.done.catch(() => undefined);
    await this.refresh();
  }

  displayName(userId: string): string | undefined {
    return this.#names.get(userId) ?? this.#admitted?.get(userId)?.displayName;
  }

  /** The person the admission list names (with their email), once it was read. */
  admitted(userId: string): AdmittedPerson | undefined {
    return this.#admitted?.get(userId);
  }

  signatureKey(identity: MemberIdentity): Uint8Array | undefined {
    if (identity.tenantId !== this.#tenantId) return undefined;
    return this.#devices.get(identity.deviceId)?.key;
  }

  lookup(identity: MemberIdentity): DirectoryAnswer {
    if (identity.tenantId !== this.#tenantId) return { kind: 'unknown_device' };
    const entry = this.#devices.get(identity.deviceId);
    if (entry === undefined || entry.userId !== identity.userId) return { kind: 'unknown_device' };
    if (this.#target !== undefined && this.#admitted?.has(identity.userId) !== true)
      return { kind: 'not_admitted' };
    return { kind: 'admitted', signaturePublicKey: entry.key };
  }

  /** A fetch that leaves once the interval since the last one has passed. */
  #throttled(): Fetch {
    const wait = this.#lastStart + this.#refreshIntervalMs - this.#clock.now();
    const startedAt = this.#clock.now() + Math.max(0, wait);
    const done = new Promise<void>((resolve) => {
      if (wait <= 0) resolve();
      else this.#clock.setTimeout(resolve, wait);
    }).then(() => {
      this.#next = undefined;
      return this.#start().done;
    });
    return { startedAt, done };
  }

  #start(): Fetch {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const startedAt = this.#clock.now();
    this.#lastStart = startedAt;
    const target = this.#target;
    const admissions = this.#rest.admissions?.bind(this.#rest);
    const fetch: Fetch = {
      startedAt,
      done: Promise.all([
        this.#rest.directory(),
        target === undefined || admissions === undefined ? undefined : admissions(target),
      ])
        .then(([view, admitted]) => this.#load(view, target, admitted))
        .finally(() => {
          if (this.#inFlight === fetch) this.#inFlight = undefined;
        }),
    };
    this.#inFlight = fetch;
    return fetch;
  }

  #load(
    view: DirectoryView,
    target: string | undefined,
    admitted: AdmissionView | undefined,
  ): void {
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
    if (target !== undefined && target === this.#target) {
      this.#admitted =
        admitted === undefined || admitted.id !== target
          ? undefined
          : new Map(admitted.users.map((person) => [person.userId, person]));
    }
  }
}
