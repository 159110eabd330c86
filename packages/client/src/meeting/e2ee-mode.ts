// An end-to-end encrypted meeting: this client is an MLS member; media keys come from the group's
// exporter, chat and media state travel as MLS application messages, the security code and the
// members' fingerprints are the group's. The server only relays.
import { keyFingerprint, PQ_MEETING_SUITE_ID, type AuthEvent } from '@conclave/crypto/member';
import { toBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';
import { refreshingAuthenticator } from '../identity/authenticator.ts';
import { checkServerKey } from '../identity/pins.ts';
import { revokingOnKeyChange } from '../identity/verified-devices.ts';
import { SenderBinding } from '../media/sender-binding.ts';
import { readExternalSender } from '../mls/external-sender.ts';
import { MemberSession, type EpochChange, type MlsJoinInfo } from '../mls/member-session.ts';
import type { MlsTimings } from '../mls/timings.ts';
import type { ClientMessage, ReactionName, ServerMessage } from '../wire.ts';
import { decodeAppPayload, encodeAppPayload } from './app-payload.ts';
import { encodeChat, readE2eeChat } from './chat.ts';
import { DeviceSightings } from './device-sightings.ts';
import { alarmOf, findingEvents } from './findings.ts';
import { readE2eeMediaState } from './media-state.ts';
import { readE2eeReaction } from './reactions.ts';
import type { JoinedMessage, MeetingMode, ModeHost } from './mode.ts';
import { e2eeRoster, type RosterMember } from './roster.ts';
import {
  DEFAULT_SEND_SWITCH_BOUND_MS,
  SenderSwitch,
  type SenderSwitchCounts,
} from './sender-switch.ts';
import type { MediaState, RemovedReason } from './types.ts';

export class E2eeMode implements MeetingMode {
  readonly e2ee = true;
  readonly binding: SenderBinding;
  readonly #host: ModeHost;
  readonly #member: MemberSession;
  readonly #sightings = new DeviceSightings();
  /** Devices this member raised an alarm about already (one alarm each). */
  readonly #alarmed = new Set<string>();
  readonly #switch: SenderSwitch;
  #rejoins = 0;
  /** After a lost group: the server's `removed { commit-failed }` is expected, not an end. */
  #rejoinPending = false;
  /** A `join { resumeEpoch }` is out and not answered yet. */
  #resuming = false;
  /** Stops showing changes of the verified marks in this roster. */
  readonly #stopVerified: () => void;

  constructor(host: ModeHost) {
    this.#host = host;
    const { deps, options } = host;
    this.binding = new SenderBinding('e2ee', host.participants);
    this.#switch = new SenderSwitch({
      boundMs: options.sendSwitchBoundMs ?? DEFAULT_SEND_SWITCH_BOUND_MS,
      ring: () => host.keys().ring,
      later: (ms, task) => host.later(ms, task),
    });
    this.#member = new MemberSession({
      meetingId: host.meetingId,
      crypto: deps.mlsCrypto,
      pqCrypto: deps.pqMlsCrypto,
      turns: deps.mlsTurns,
      device: deps.device,
      participantId: () => host.participantId,
      authenticator: revokingOnKeyChange(
        refreshingAuthenticator(deps.directory, deps.pins, deps.clock),
        deps.verified,
      ),
      clock: deps.clock,
      keys: () => host.keys().ring,
      send: (message) => void host.send(message),
      observer: {
        epoch: (change) => this.#onEpoch(change),
        findings: (events) => this.#onFindings(events),
        removedByCommit: () => host.end('removed-from-group'),
        lostGroup: (error) => this.#onLostGroup(error),
        application: (data, from) => this.#onApplication(data, from),
      },
      newGroup: () => host.renewKeys(),
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    // A device marked or unmarked verified (here or in another meeting of this client) shows now.
    this.#stopVerified = deps.verified.onChange(() => {
      if (this.#member.epoch !== undefined) host.events.emit('roster', this.roster());
    });
  }

  get epoch(): bigint | undefined {
    return this.#member.epoch;
  }

  get leafIndex(): number | undefined {
    return this.#member.leafIndex;
  }

  get securityCode(): string | undefined {
    return this.#member.securityCode;
  }

  get senderSwitches(): SenderSwitchCounts {
    return this.#switch.counts;
  }

  get mlsTimings(): MlsTimings {
    return this.#member.timer.snapshot();
  }

  roster(): RosterMember[] {
    return e2eeRoster(
      this.#member.roster,
      this.#host.participants,
      this.#host.people,
      (leaf) => this.binding.relayOf(leaf),
      this.#host.participantId,
      (entries) => this.#sightings.notes(entries),
      (entry) =>
        entry.identity !== null &&
        this.#host.deps.verified.isVerified(entry.identity, entry.fingerprint),
    );
  }

  /**
   * A join with a fresh KeyPackage (single use). Every first join offers one, since the client
   * learns whether the meeting is E2EE only from the server's `joined`.
   */
  async freshJoin(): Promise<ClientMessage> {
    return {
      type: 'join',
      meetingId: this.#host.meetingId,
      ...(await this.#member.prepareKeyPackage()),
    };
  }

  async admitted(message: JoinedMessage): Promise<void> {
    this.#resuming = false;
    if (message.mls === undefined) return this.#host.fail(new ClientError('protocol'));
    await this.#joinGroup(message.mls);
  }

  async rejoin(): Promise<ClientMessage> {
    const resumeEpoch = this.#member.epoch;
    // Not in the group yet: a KeyPackage is single use, so join afresh with a new one.
    if (resumeEpoch === undefined) return this.freshJoin();
    this.#resuming = true;
    return { type: 'join', meetingId: this.#host.meetingId, resumeEpoch: resumeEpoch.toString() };
  }

  async handle(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'media-key': // A server-held key in an E2EE meeting would let the server read it.
      case 'chat': // Chat and media state travel inside the group, never through the server.
      case 'media-state':
        return;
      case 'epoch-confirmed':
        return this.#switch.confirmed(BigInt(message.epoch));
      default:
        await this.#member.handle(message);
    }
  }

  expectsRemoval(reason: RemovedReason): boolean {
    return reason === 'commit-failed' && this.#rejoinPending;
  }

  async recovers(code: string): Promise<boolean> {
    if (code !== 'key_package_required' || !this.#resuming) return false;
    // The server cannot resume this member's state: join afresh, with a new leaf.
    this.#resuming = false;
    this.#member.reset();
    this.#host.send(await this.freshJoin());
    return true;
  }

  async sendChat(text: string): Promise<void> {
    await this.#host.serially(async () => {
      const leafIndex = this.#member.leafIndex;
      if (leafIndex === undefined) throw new ClientError('not_joined');
      if (!(await this.#sendApplication(encodeChat({ text, leafIndex })))) {
        throw new ClientError('not_joined');
      }
    });
  }

  async sendReaction(reaction: ReactionName): Promise<void> {
    await this.#host.serially(async () => {
      const leafIndex = this.#member.leafIndex;
      if (leafIndex === undefined) throw new ClientError('not_joined');
      const payload = encodeAppPayload({ kind: 'reaction', reaction, leafIndex });
      if (!(await this.#sendApplication(payload))) throw new ClientError('not_joined');
    });
  }

  async sendMediaState(state: MediaState): Promise<boolean> {
    const leafIndex = this.#member.leafIndex;
    if (leafIndex === undefined) return false;
    return this.#sendApplication(encodeAppPayload({ kind: 'media', state, leafIndex }));
  }

  close(): void {
    this.#stopVerified();
    this.#member.close();
  }

  async #sendApplication(plaintext: Uint8Array): Promise<boolean> {
    const { epoch, message } = await this.#member.encrypt(plaintext);
    return this.#host.send({
      type: 'app-message',
      meetingId: this.#host.meetingId,
      epoch: epoch.toString(),
      message: toBase64(message),
    });
  }

  async #joinGroup(mls: MlsJoinInfo): Promise<void> {
    const host = this.#host;
    const server = readExternalSender(mls.externalSender);
    const pin = await checkServerKey(
      host.deps.store,
      host.deps.server,
      host.deps.user.tenantId,
      server,
    );
    if (pin === 'changed') {
      host.events.emit('keyChanged', {
        subject: 'server',
        fingerprint: keyFingerprint(server.publicKey),
      });
      host.send({ type: 'leave', meetingId: host.meetingId });
      return host.fail(new ClientError('server_key_changed'));
    }
    // Media keys on the meeting's SFrame suite: 0x0005 (AES-256-GCM) with the X-Wing MLS suite.
    host.keys().useSuite(mls.cipherSuite === PQ_MEETING_SUITE_ID ? 0x0005 : 0x0004);
    let outcome;
    try {
      outcome = await this.#member.joined(mls, server);
    } catch (error) {
      return host.fail(
        error instanceof ClientError ? error : new ClientError('group_failed', { cause: error }),
      );
    }
    if (outcome === 'needs-fresh-join') host.send(await this.freshJoin());
  }

  async #onEpoch(change: EpochChange): Promise<void> {
    const events = this.#host.events;
    this.#rejoinPending = false;
    this.#switch.entered(change.epoch, change.sendersWait);
    this.binding.setRoster(change.roster);
    await this.#host.enterEpoch(change.epoch, change.leafIndex);
    // The members' verified marks, read once per device (a store may be slow, the roster is not).
    await this.#host.deps.verified
      .load(change.roster.flatMap((entry) => (entry.identity === null ? [] : [entry.identity])))
      .catch(() => undefined);
    const roster = this.roster();
    events.emit('roster', roster);
    for (const device of this.#sightings.news(roster)) events.emit('newDevice', device);
    events.emit('securityCode', change.securityCode);
    this.#host.markReady();
    // New members cannot read what was said in older epochs.
    this.#host.announceAgain();
  }

  #onFindings(findings: readonly AuthEvent[]): void {
    const { deps, events } = this.#host;
    this.#sightings.record(findings, deps.pins);
    const said = findingEvents(
      findings,
      (id) => deps.directory.displayName(id),
      (identity, fingerprint) => deps.verified.wasVerified(identity, fingerprint),
    );
    for (const finding of said) {
      if (finding.event === 'keyChanged') events.emit('keyChanged', finding.payload);
      else events.emit('refused', finding.payload);
      const alarm = finding.event === 'refused' ? alarmOf(finding.payload) : undefined;
      if (alarm !== undefined && !this.#alarmed.has(alarm.fingerprint)) {
        this.#alarmed.add(alarm.fingerprint);
        events.emit('alarm', alarm);
      }
    }
  }

  #onApplication(data: Uint8Array, from: string): void {
    const payload = decodeAppPayload(data);
    const lookups = this.#host.chatLookups();
    if (payload?.kind === 'media') {
      this.#host.mediaStateReceived(readE2eeMediaState(payload, from, lookups));
      return;
    }
    if (payload?.kind === 'reaction') {
      this.#host.reactionReceived(readE2eeReaction(payload, from, lookups));
      return;
    }
    this.#host.chatReceived(
      payload === undefined ? undefined : readE2eeChat(payload, from, lookups),
    );
  }

  #onLostGroup(error: ClientError): void {
    const host = this.#host;
    host.events.emit('error', error);
    if (this.#rejoins >= (host.options.maxRejoins ?? 3) || !host.connected) {
      host.fail(error);
      return;
    }
    // The server removes the old leaf first (one leaf per device); then a fresh KeyPackage.
    const delay = (host.options.rejoinDelayMs ?? 1_000) * 2 ** this.#rejoins;
    this.#rejoins++;
    this.#rejoinPending = true;
    this.#member.reset();
    // Out of the relay until the server admits us again: sending now would only be refused.
    host.leaveRelay();
    host.later(delay, async () => {
      if (!host.active) return;
      host.send(await this.freshJoin());
    });
  }
}
