// The SDK's entry object: signed in to one server as one user, with this device's identity
// registered (or restored from the store) — the thing that joins meetings.
import {
  createMlsCrypto,
  keyFingerprint,
  nodeCryptoBackend,
  webCryptoBackend,
  type DeviceCredential,
  type MlsCrypto,
  type SFrameCryptoBackend,
} from '@conclave/crypto/member';
import { CallNotices } from './calls/call-notices.ts';
import { systemClock, type Clock } from './clock.ts';
import { ClientError } from './errors.ts';
import { loadOrRegisterDevice } from './identity/device.ts';
import { LiveDirectory } from './identity/directory.ts';
import { OrganizerAdmissions } from './identity/organizer-admissions.ts';
import { SignedAdmissions } from './identity/signed-admissions.ts';
import { StoredPinStore } from './identity/pins.ts';
import {
  DeviceVerification,
  type CodeCheck,
  type DeviceRef,
} from './identity/device-verification.ts';
import { VerifiedDevices } from './identity/verified-devices.ts';
import { Meeting } from './meeting/meeting.ts';
import type { JoinOptions, MeetingDeps } from './meeting/types.ts';
import type { MlsTurns } from './mls/turns.ts';
import { RestClient, type Auth, type Me } from './rest/rest-client.ts';
import type { KeyValueStore } from './store/key-value.ts';
import { globalWebSocketFactory, type WebSocketFactory } from './transport/websocket.ts';
import type { ClientInfo } from './wire.ts';

export const SDK_VERSION = '0.1.0';

export interface ConnectOptions {
  /** Base URL of the Conclave server, e.g. https://meet.example.org */
  readonly server: string;
  /** A bearer token (`POST /api/auth/sign-in`), or the browser's session cookie. */
  readonly auth: Auth;
  /** Keeps the device identity and the pinned keys across runs (MemoryStore: nothing survives). */
  readonly store: KeyValueStore;
  /** Default: the runtime's WebSocket; on Node 20 pass `nodeWebSocketFactory()` from `./node`. */
  readonly webSocket?: WebSocketFactory;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /** Shown in the device list. Default "Conclave SDK". */
  readonly deviceName?: string;
  /** Sent in `hello`; the server applies the tenant's client rules to it. */
  readonly clientInfo?: Partial<ClientInfo>;
  /** Default: node:crypto where available, else the noble / WebCrypto back ends. */
  readonly mlsCrypto?: MlsCrypto;
  /**
   * The post-quantum suite's (X-Wing). Default: made here; with `clientInfo.postQuantum: false`
   * none, and the client declares it cannot join post-quantum meetings.
   */
  readonly pqMlsCrypto?: MlsCrypto;
  readonly sframeBackend?: SFrameCryptoBackend;
  /**
   * Runs each MLS step the client times (founding a group, a commit, processing a commit or a
   * Welcome). The load tool passes one queue per thread so the devices it simulates take turns
   * and each step's time is that device's own. Default: every step runs at once.
   */
  readonly mlsTurns?: MlsTurns;
}

export class ConclaveClient {
  readonly user: Me;
  readonly device: DeviceCredential;
  /**
   * Signing who may enter this user's E2EE meetings, on this device: the invitation list when it
   * is set or changed, people let in from the lobby (docs/e2ee-profile.md "Who may enter").
   */
  readonly admissions: OrganizerAdmissions;
  readonly #deps: Omit<MeetingDeps, 'directory'>;
  readonly #rest: RestClient;
  readonly #verification: DeviceVerification;
  readonly #meetings = new Set<Meeting>();
  readonly #notices = new Set<CallNotices>();
  #closed = false;

  private constructor(deps: Omit<MeetingDeps, 'directory'>, rest: RestClient) {
    this.#deps = deps;
    this.#rest = rest;
    this.user = deps.user;
    this.device = deps.device;
    this.admissions = new OrganizerAdmissions({
      rest,
      device: deps.device,
      crypto: deps.mlsCrypto,
      clock: deps.clock,
    });
    this.#verification = new DeviceVerification({
      own: deps.device.identity,
      ownKey: deps.device.keyPair.publicKey,
      pins: deps.pins,
      verified: deps.verified,
    });
  }

  /** Signs in to the API with `auth`, and registers or restores this device's identity. */
  static async connect(options: ConnectOptions): Promise<ConclaveClient> {
    const webSocket = options.webSocket ?? globalWebSocketFactory();
    if (webSocket === undefined) throw new ClientError('invalid_argument');
    const rest = new RestClient({
      server: options.server,
      auth: options.auth,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    const mlsCrypto = options.mlsCrypto ?? (await createMlsCrypto());
    // Declared only when the suite really loads here: the server then never has to guess.
    const pqMlsCrypto =
      options.clientInfo?.postQuantum === false
        ? undefined
        : (options.pqMlsCrypto ??
          (await createMlsCrypto({ meetingSuite: 'post-quantum' }).catch(() => undefined)));
    const user = await rest.me();
    const device = await loadOrRegisterDevice({
      rest,
      store: options.store,
      crypto: mlsCrypto,
      user,
      deviceName: options.deviceName ?? 'Conclave SDK',
    });
    const deps = {
      server: rest.server,
      token: 'token' in options.auth ? options.auth.token : undefined,
      user,
      device,
      mlsCrypto,
      pqMlsCrypto,
      sframeBackend: options.sframeBackend ?? defaultSFrameBackend(),
      mlsTurns: options.mlsTurns,
      store: options.store,
      pins: new StoredPinStore(options.store),
      verified: new VerifiedDevices(options.store),
      clock: options.clock ?? systemClock,
      webSocket,
      clientInfo: {
        platform: options.clientInfo?.platform ?? defaultPlatform(),
        version: options.clientInfo?.version ?? SDK_VERSION,
        e2eeMedia: options.clientInfo?.e2eeMedia ?? true,
        postQuantum: pqMlsCrypto !== undefined,
      },
    };
    return new ConclaveClient(deps, rest);
  }

  /** This device's key fingerprint, for people to compare. */
  get fingerprint(): string {
    return keyFingerprint(this.device.keyPair.publicKey);
  }

  // ---- verified devices (kept in this client's store; docs/e2ee-profile.md "Verified devices") --

  /**
   * Marks another person's device verified, after comparing its key fingerprint with its owner
   * (side by side, or read aloud). The tenant is this user's unless `device` names one. Every open
   * meeting's roster then shows it (`verified: true`) — and every later one, as long as the device
   * keeps that key. Rejects with ClientError `fingerprint_mismatch` when `fingerprint` is not the
   * key this device pinned for it (or it never saw the device), `invalid_argument` for a malformed
   * fingerprint or this device itself.
   */
  verifyDevice(device: DeviceRef, fingerprint: string): Promise<void> {
    return this.#verification.verify(device, fingerprint);
  }

  /** Removes a device's verified mark; resolves whether it had one. */
  unverifyDevice(device: DeviceRef): Promise<boolean> {
    return this.#verification.unverify(device);
  }

  /** Whether `device` is marked verified with the key pinned for it now. */
  isDeviceVerified(device: DeviceRef): Promise<boolean> {
    return this.#verification.isVerified(device);
  }

  /**
   * This device's verification code (a short JSON text, to show as a QR code) for the owner of
   * `forDevice` to scan: this device's key, and the key it pinned for theirs.
   */
  verificationCode(forDevice?: DeviceRef): Promise<string> {
    return this.#verification.code(forDevice);
  }

  /**
   * Checks a verification code scanned from the screen of `device`'s owner, and marks the device
   * verified if the code matches on both sides (see CodeCheck). Never rejects for a bad code.
   */
  checkVerificationCode(device: DeviceRef, code: string): Promise<CodeCheck> {
    return this.#verification.checkCode(device, code);
  }

  /** A meeting object to attach listeners to before `join()`. */
  meeting(meetingId: string, options: JoinOptions = {}): Meeting {
    if (this.#closed) throw new ClientError('closed');
    const { clock, mlsCrypto, pins, store } = this.#deps;
    const tenantId = this.user.tenantId;
    const directory = new LiveDirectory({
      rest: this.#rest,
      tenantId,
      clock,
      signed: new SignedAdmissions({
        crypto: mlsCrypto,
        pins,
        store,
        tenantId,
        now: () => clock.now(),
      }),
    });
    const meeting = new Meeting(meetingId, { ...this.#deps, directory }, options);
    this.#meetings.add(meeting);
    meeting.on('connection', ({ state }) => {
      if (state === 'closed') this.#meetings.delete(meeting);
    });
    return meeting;
  }

  /** Joins `meetingId`; resolves once media keys are in place (see Meeting.join). */
  async join(meetingId: string, options: JoinOptions = {}): Promise<Meeting> {
    const meeting = this.meeting(meetingId, options);
    await meeting.join();
    return meeting;
  }

  /**
   * The user's calls ringing, answered or over, on a socket of their own (no meeting joined).
   * Listen to `events` before `start()`.
   */
  callNotices(): CallNotices {
    if (this.#closed) throw new ClientError('closed');
    const deps = this.#deps;
    const notices = new CallNotices({
      server: deps.server,
      token: deps.token,
      deviceId: deps.device.identity.deviceId,
      clientInfo: deps.clientInfo,
      webSocket: deps.webSocket,
      clock: deps.clock,
    });
    this.#notices.add(notices);
    return notices;
  }

  /** Idempotent: closes every meeting and call-notice socket of this client. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const meeting of this.#meetings) meeting.close();
    this.#meetings.clear();
    for (const notices of this.#notices) notices.close();
    this.#notices.clear();
  }
}

function defaultSFrameBackend(): SFrameCryptoBackend {
  try {
    return nodeCryptoBackend();
  } catch {
    return webCryptoBackend();
  }
}

function defaultPlatform(): ClientInfo['platform'] {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  if (platform === 'linux') return 'linux';
  return 'web';
}
