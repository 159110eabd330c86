// The authentication service's view of the directory: `GET /api/directory/users`, fetched when a
// meeting starts and again when a credential does not match what it holds — a device registered,
// or re-keyed, after we looked. Re-reads are throttled (at most one fetch per `refreshIntervalMs`,
// so a flood of unknown credentials costs one fetch a second), and a caller that needs fresher
// data waits for the next allowed fetch rather than judging on a stale copy (./authenticator.ts).
// Only this tenant's devices are ever admitted.
//
// Once the meeting is joined it also reads who the meeting may contain
// (`GET /api/directory/admissions/:id`), with every fetch, and answers `not_admitted` for a device
// of anyone else — unreadable list included (fail closed). Only the statements an organizer's
// device signed count (./signed-admissions.ts): what the server merely lists admits no one. A 1:1
// call is read the same way, its caller in the organizer's place: the callee counts once the
// caller's device signed their admission.
import type { Directory, DirectoryAnswer, MemberIdentity } from '@conclave/crypto/member';
import { fromBase64 } from '../bytes.ts';
import type { Clock } from '../clock.ts';
import type { AdmissionView, DirectoryView, RestClient } from '../rest/rest-client.ts';
import type { AdmissionReading, SignedAdmissions } from './signed-admissions.ts';

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
  /** The people the server lists, by user id (names and emails for the roster). */
  #admitted: Map<string, AdmittedPerson> | undefined;
  /** Who it may contain, as this client checked it; undefined until read (nobody is admitted). */
  #covered: ReadonlySet<string> | undefined;
  /** The last reading of the meeting's signed statements. */
  #reading: AdmissionReading | undefined;
  readonly #signed: Pick<SignedAdmissions, 'read'>;
  /** When the last fetch (finished or not) left: the throttle counts from there. */
  #lastStart = Number.NEGATIVE_INFINITY;
  #inFlight: Fetch | undefined;
  /** The next throttled fetch, shared by everyone waiting for it. */
  #next: Fetch | undefined;

  constructor(options: {
    rest: DirectoryRest;
    tenantId: string;
    clock: Clock;
    /** Checks a meeting's signed statements (the member's own judgement of who may enter). */
    signed: Pick<SignedAdmissions, 'read'>;
    refreshIntervalMs?: number;
  }) {
    this.#rest = options.rest;
    this.#signed = options.signed;
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
    this.#covered = undefined;
    this.#reading = undefined;
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

  /** The last check of the meeting's or call's signed statements (undefined before). */
  get admissionReading(): AdmissionReading | undefined {
    return this.#reading;
  }

  /**
   * True when the server lists `userId` for the meeting but no statement this client verified
   * admits them: an Add of theirs is the server's doing, not an organizer's.
   */
  listedButNotAdmitted(userId: string): boolean {
    return this.#admitted?.has(userId) === true && this.#covered?.has(userId) !== true;
  }

  signatureKey(identity: MemberIdentity): Uint8Array | undefined {
    if (identity.tenantId !== this.#tenantId) return undefined;
    return this.#devices.get(identity.deviceId)?.key;
  }

  lookup(identity: MemberIdentity): DirectoryAnswer {
    if (identity.tenantId !== this.#tenantId) return { kind: 'unknown_device' };
    const entry = this.#devices.get(identity.deviceId);
    if (entry === undefined || entry.userId !== identity.userId) return { kind: 'unknown_device' };
    if (this.#target !== undefined && this.#covered?.has(identity.userId) !== true)
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

  async #load(
    view: DirectoryView,
    target: string | undefined,
    admitted: AdmissionView | undefined,
  ): Promise<void> {
    const devices = new Map<string, Entry>();
    const names = new Map<string, string>();
    for (const user of view.users) {
      names.set(user.id, user.displayName);
      for (const device of user.devices) {
        const key = fromBase64(device.signaturePublicKey);
        if (key !== undefined) devices.set(device.id, { userId: user.id, key });
      }
    }
    const listed =
      admitted === undefined || admitted.id !== target
        ? undefined
        : new Map(admitted.users.map((person) => [person.userId, person]));
    let reading: AdmissionReading | undefined;
    if (listed !== undefined && admitted !== undefined) {
      reading = await this.#signed.read(admitted, (identity) => {
        const entry =
          identity.tenantId === this.#tenantId ? devices.get(identity.deviceId) : undefined;
        return entry?.userId === identity.userId ? entry.key : undefined;
      });
    }
    this.#devices = devices;
    this.#names = names;
    if (target !== undefined && target === this.#target) {
      this.#admitted = listed;
      this.#reading = reading;
      this.#covered = listed === undefined ? undefined : (reading?.users ?? new Set(listed.keys()));
    }
  }
}
