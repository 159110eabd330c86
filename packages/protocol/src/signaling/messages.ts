// The signaling contract: JSON text frames on the meeting WebSocket (`/api/realtime`).
// Binary frames on the same socket carry media envelopes (see ../media). Every message is a
// union member tagged by `type`; both ends validate with these schemas, so a malformed message is
// a typed error at the edge, never a crash deeper in.
//
// Byte strings (MLS messages, KeyPackages) travel as base64. The server treats MLS messages as
// opaque except for their public header (group id, epoch, content type), which it reads through
// `@conclave/crypto/server`.
import { z } from 'zod';
import { admissionReasonCodes, platforms, severities } from '@conclave/vocabulary';
import { frameRefusedReasons } from '../media/control.ts';
import { mediaKinds } from '../media/kinds.ts';
import { callNoticeSchemas } from './call-notices.ts';

const base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const id = z.string().min(1).max(128);
/** Epochs are 64-bit in MLS; JSON carries them as decimal strings to keep them exact. */
const epoch = z.string().regex(/^\d{1,20}$/, 'must be a decimal epoch');

/** A measured wait in ms (at most a day). */
const waitMs = z.number().int().nonnegative().max(86_400_000);

/**
 * Joiners one Welcome names at most: the delivery service puts at most 1,000 proposals in an epoch,
 * and a meeting holds at most 1,000 participants.
 */
export const MAX_WELCOMED_JOINERS = 1_000;

/** One joiner's wait for the commit that added it (`welcome.waits`). */
const joinerWaitSchema = z.object({
  waitedMs: waitMs,
  /**
   * The part of `waitedMs` its batch was ready but waited for the group's founding or the
   * previous epoch's commit.
   */
  blockedMs: waitMs,
});

/** Where the signaling socket lives. */
export const SIGNALING_PATH = '/api/realtime';

/**
 * Codes of the `error` message. The schema keeps `code` a string so a newer server can add codes;
 * these are the ones this version sends.
 */
export const signalingErrorCodes = [
  /** Not JSON, or JSON that is not a valid message: the socket stays up. */
  'bad_json',
  'bad_message',
  /** Anything but `hello` before `ready`, or a second `hello`. */
  'hello_required',
  /** No valid session cookie or token: the socket is closed. */
  'unauthenticated',
  /** `deviceId` is not one of the signed-in user's devices: the socket is closed. */
  'unknown_device',
  /** `join` while this socket is already in a meeting (one meeting per socket). */
  'already_joined',
  /** A meeting message for a meeting this socket is not in. */
  'not_joined',
  /** An E2EE meeting needs a KeyPackage in `join` (and `resumeEpoch` cannot be honoured). */
  'key_package_required',
  /** The KeyPackage does not verify: signature, cipher suite, lifetime, encoding. */
  'key_package_invalid',
  /** The KeyPackage's credential is not this tenant/user/device, or not its directory key. */
  'key_package_identity',
  /** KeyPackages are single use. */
  'key_package_reused',
  /** A commit whose bytes, proposals or added members do not fit the group. */
  'bad_commit',
  /** An MLS message (group-created, app-message) that does not fit the group. */
  'bad_mls_message',
  /**
   * A message of the other kind of meeting (`chat` or `media-state` in E2EE, `app-message` in
   * standard, …).
   */
  'not_allowed',
  /** Too many messages, or too many bad ones: past the limit the socket is closed. */
  'rate_limited',
  /**
   * The session behind this socket ended (signed out, expired, its user deleted or signed out
   * everywhere): the socket is closed (4401) and any meeting it was in left as `signed-out`.
   */
  'session_ended',
  /**
   * The server is shutting down (SIGTERM, an upgrade): a `join` is not taken; try again once it
   * is back. Sockets already in a meeting are told with `server-restarting` first.
   */
  'server_restarting',
  'internal',
] as const;
export type SignalingErrorCode = (typeof signalingErrorCodes)[number];

/**
 * Why a `remove-participant` was refused. `forbidden`: only the organizer or an admin may remove;
 * `not_found`: no such participant in the meeting now; `conflict`: yourself or the organizer;
 * `unavailable`: an admin's role cannot be checked while the database is away (the organizer's
 * can: try again shortly); `failed`: the removal could not be recorded (they are out regardless).
 */
export const removalRefusals = [
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'failed',
] as const;
export type RemovalRefusal = (typeof removalRefusals)[number];

/**
 * Codes in `join-blocked.reasons` besides the governance engine's (`COMPLIANCE_RECORDING_BLOCKS_E2EE`,
 * `CLIENT_NOT_SUPPORTED`, `MEETING_FULL`, `MEETING_NOT_FOUND`); codes and sentences are the reason
 * book's (@conclave/vocabulary).
 */
export const joinBlockedCodes = admissionReasonCodes;

export const clientInfoSchema = z.object({
  platform: z.enum(platforms),
  version: z.string().min(1).max(64),
  /** Whether this client can do E2EE media; a client that cannot is refused E2EE meetings. */
  e2eeMedia: z.boolean(),
  /**
   * Whether this client can do the post-quantum suite (MLS 0x0053 X-Wing, SFrame 0x0005). Absent
   * (a client that predates it) counts as false: such a client is refused a meeting that requires
   * it with POST_QUANTUM_REQUIRED, never given a weaker suite.
   */
  postQuantum: z.boolean().exactOptional(),
});
export type ClientInfo = z.infer<typeof clientInfoSchema>;

/**
 * Whether a participant's microphone, camera and screen share are on, in their own words. Standard
 * meetings carry it as `media-state`; E2EE meetings inside an MLS application message instead.
 */
export const mediaStateSchema = z.object({
  microphone: z.boolean(),
  camera: z.boolean(),
  screen: z.boolean(),
  /** A raised hand; older clients leave it out (not raised). */
  hand: z.boolean().optional(),
});

/**
 * The reactions a participant can send, by name (the apps draw them): a short-lived event, not a
 * state. E2EE meetings carry them inside an MLS application message, standard ones as `reaction`.
 */
export const REACTIONS = [
  'thumbs-up',
  'heart',
  'laugh',
  'applause',
  'celebrate',
  'surprised',
] as const;
export type ReactionName = (typeof REACTIONS)[number];
export const reactionSchema = z.enum(REACTIONS);

// ---- client → server -------------------------------------------------------------------------

export const clientMessageSchema = z.discriminatedUnion('type', [
  /** First message on a socket. Browsers are authenticated by their cookie; others send a token. */
  z.object({
    type: z.literal('hello'),
    token: z.string().max(512).exactOptional(),
    deviceId: id,
    client: clientInfoSchema,
  }),
  /** Ask to join. `keyPackage` is required for E2EE meetings (single use; the server adds it). */
  z.object({
    type: z.literal('join'),
    meetingId: id,
    keyPackage: base64.exactOptional(),
    /**
     * A client that declared `postQuantum` also offers a KeyPackage of the post-quantum suite
     * (0x0053): it learns the meeting's suite only from `joined`, and the server adds the one
     * KeyPackage of the suite the meeting requires — never the other.
     */
    postQuantumKeyPackage: base64.exactOptional(),
    /** Set when reconnecting: the epoch this client's group state is at. */
    resumeEpoch: epoch.exactOptional(),
  }),
  /** The first participant of an E2EE meeting created the group (epoch 0) as the server asked. */
  z.object({ type: z.literal('group-created'), meetingId: id, groupId: base64 }),
  /**
   * A commit for `epoch`, only when the server asked this member (`commit-request`). `commit` is an
   * MLS PublicMessage: the server reads from it which of its proposals it applies and so where
   * each joiner lands — nothing about the tree is taken from the committer's word.
   */
  z.object({
    type: z.literal('commit'),
    meetingId: id,
    epoch,
    commit: base64,
    welcome: base64.exactOptional(),
  }),
  /** This member processed the Welcome / commit and is now at `epoch`. */
  z.object({ type: z.literal('epoch-reached'), meetingId: id, epoch }),
  /** This member rejected a server proposal (e.g. the authentication service refused it). */
  z.object({
    type: z.literal('proposal-rejected'),
    meetingId: id,
    proposalId: id,
    reason: z.string().max(200),
  }),
  /** This member could not process a commit: the server removes it, and it may rejoin. */
  z.object({ type: z.literal('commit-failed'), meetingId: id, epoch, reason: z.string().max(200) }),
  /** An MLS application message (E2EE chat). */
  z.object({ type: z.literal('app-message'), meetingId: id, epoch, message: base64 }),
  /** Plain chat in a standard meeting (the server may read it: it is not E2EE). */
  z.object({ type: z.literal('chat'), meetingId: id, text: z.string().min(1).max(4000) }),
  /**
   * Standard meetings: this participant's media state, whole (not a change). The server relays it
   * to the others and keeps the last one, in memory, for whoever joins later.
   */
  z.object({ type: z.literal('media-state'), meetingId: id, state: mediaStateSchema }),
  /** Standard meetings: a reaction, relayed to the others (never kept). */
  z.object({ type: z.literal('reaction'), meetingId: id, reaction: reactionSchema }),
  z.object({ type: z.literal('leave'), meetingId: id }),
  /**
   * The organizer (or an admin) in the meeting removes `participantId` — and every other device
   * of that user — over their own socket. Unlike `POST …/participants/:id/remove` this is taken
   * while the server's database is away: they are out of the relay at once (`removal-accepted`),
   * and `removal-done` follows once the removal is recorded and the group's Removes proposed.
   */
  z.object({ type: z.literal('remove-participant'), meetingId: id, participantId: id }),
  z.object({ type: z.literal('ping'), nonce: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---- server → client -------------------------------------------------------------------------

const reasonSchema = z.object({
  /**
   * A reason book code (@conclave/vocabulary `reasonCodes`), read as any string so a client keeps
   * working when a newer server adds one.
   */
  code: z.string(),
  severity: z.enum(severities),
  message: z.string(),
});

const participantSchema = z.object({
  participantId: id,
  userId: id,
  displayName: z.string(),
  relayId: z.number().int(),
  /** The device this participant joined from (the one its MLS credential names, in E2EE). */
  deviceId: id.exactOptional(),
  /**
   * E2EE: the MLS leaf this participant reported for itself, when the server knows it at the time
   * the message is sent. A hint for binding relay ids to leaves: clients still check it against
   * the group (the credential at that leaf must name this user and device).
   */
  leafIndex: z.number().int().min(0).exactOptional(),
});

const externalSenderSchema = z.object({
  /** The server's external-sender signature public key and credential identity (base64). */
  signaturePublicKey: base64,
  identity: base64,
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), userId: id, deviceId: id }),
  z.object({ type: z.literal('join-blocked'), meetingId: id, reasons: z.array(reasonSchema) }),
  /** Not started: the join waits (`MEETING_NOT_STARTED`); `joined` follows when it starts. */
  z.object({ type: z.literal('lobby'), meetingId: id, reasons: z.array(reasonSchema) }),
  z.object({
    type: z.literal('joined'),
    meetingId: id,
    participantId: id,
    /** The relay id stamped on this participant's media envelopes. */
    relayId: z.number().int().min(0),
    endToEndEncryption: z.boolean(),
    /** E2EE only: how this client gets into the MLS group. */
    mls: z
      .object({
        /**
         * create-group: create the group at epoch 0 (first participant); await-welcome: the server
         * proposes your Add, a Welcome follows; resume: your state from `resumeEpoch` stays valid,
         * the commits you missed follow.
         */
        role: z.enum(['create-group', 'await-welcome', 'resume']),
        groupId: base64,
        externalSender: externalSenderSchema,
        /**
         * The MLS cipher suite the meeting requires: 0x0001 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
         * SFrame 0x0004) or, post-quantum, 0x0053 (MLS_256_XWING_AES256GCM_SHA512_Ed25519, SFrame
         * 0x0005). A member refuses a group or Welcome on any other.
         */
        cipherSuite: z.number().int(),
        /** The group's epoch as the server knows it now (absent before the group exists). */
        epoch: epoch.exactOptional(),
      })
      .exactOptional(),
  }),
  /** An external proposal (Add/Remove) by the server for `epoch`: process it, then wait. */
  z.object({
    type: z.literal('proposal'),
    meetingId: id,
    proposalId: id,
    epoch,
    message: base64,
    /** What it proposes, and for whom: the committer reports `added` by this participant id. */
    kind: z.enum(['add', 'remove']).exactOptional(),
    participantId: id.exactOptional(),
  }),
  /** The delivery service asks this member to commit the pending proposals of `epoch`. */
  z.object({
    type: z.literal('commit-request'),
    meetingId: id,
    epoch,
    reason: z.enum(['proposals', 'update']),
    /** How long the oldest proposal of the batch waited for this request (a measurement only). */
    waitedMs: waitMs.optional(),
    /**
     * The part of `waitedMs` the batch was ready but waited for the group's founding or the
     * previous epoch's commit (a measurement only).
     */
    blockedMs: waitMs.optional(),
  }),
  /** Your commit for `epoch` won and is canonical: merge it. */
  z.object({ type: z.literal('commit-accepted'), meetingId: id, epoch }),
  /** Your commit lost (another commit for that epoch won, or the epoch moved on): discard it. */
  z.object({
    type: z.literal('commit-rejected'),
    meetingId: id,
    epoch,
    reason: z.enum(['stale-epoch', 'future-epoch', 'not-member']),
    currentEpoch: epoch,
  }),
  /**
   * Every connected member said it reached `epoch` (`epoch-reached`): senders may move their media
   * to its keys, every receiver has them (docs/media.md "Rekeying without a gap").
   */
  z.object({ type: z.literal('epoch-confirmed'), meetingId: id, epoch }),
  /** The canonical commit of `epoch`, from another member: process it. */
  z.object({ type: z.literal('commit'), meetingId: id, epoch, message: base64 }),
  /** The Welcome of the commit that added you; `epoch` is the epoch it brings you into. */
  z.object({
    type: z.literal('welcome'),
    meetingId: id,
    epoch,
    message: base64,
    /**
     * Each joiner's own wait, by participant id: from its Add's arrival at the delivery service to
     * the commit request that covered it (a measurement only; absent where the server does not
     * know, e.g. after a restart). One map for all: the Welcome is one message for every joiner.
     */
    waits: z
      .record(id, joinerWaitSchema)
      .refine((waits) => Object.keys(waits).length <= MAX_WELCOMED_JOINERS, {
        message: `at most ${MAX_WELCOMED_JOINERS} joiners`,
      })
      .exactOptional(),
  }),
  z.object({ type: z.literal('app-message'), meetingId: id, epoch, from: id, message: base64 }),
  z.object({
    type: z.literal('chat'),
    meetingId: id,
    from: id,
    displayName: z.string(),
    text: z.string(),
    at: z.string(),
  }),
  /**
   * Standard meetings: participant `from` said its media state. A joiner gets the last one of each
   * participant already there, right after `participants`.
   */
  z.object({
    type: z.literal('media-state'),
    meetingId: id,
    from: id,
    state: mediaStateSchema,
  }),
  /** Standard meetings: participant `from` reacted. */
  z.object({ type: z.literal('reaction'), meetingId: id, from: id, reaction: reactionSchema }),
  /** Standard meetings: the server-held media key for `epoch` (never sent in E2EE meetings). */
  z.object({ type: z.literal('media-key'), meetingId: id, epoch, key: base64 }),
  /**
   * Who is connected, as the server sees it (E2EE clients show the MLS roster instead). Sent to a
   * participant once, after `joined`; later changes come as `participant-joined` / `participant-left`
   * so a membership change costs one message per participant, not the whole list.
   */
  z.object({
    type: z.literal('participants'),
    meetingId: id,
    participants: z.array(participantSchema),
  }),
  z.object({
    type: z.literal('participant-joined'),
    meetingId: id,
    participant: participantSchema,
  }),
  z.object({ type: z.literal('participant-left'), meetingId: id, participantId: id }),
  /**
   * This socket is no longer in the meeting. `replaced`: the same device joined from another
   * connection. `removed-by-organizer`: the organizer or an admin took them out (joining again is
   * blocked with `REMOVED_BY_ORGANIZER` while the meeting runs). `signed-out`: the session ended
   * (the socket closes next). `not-admitted`: the organization's rules no longer admit them to this
   * meeting (e.g. they were put under compliance recording); `reasons` says why.
   * `protocol-violation`: this member did what no member may (committed unasked, or proposed a
   * change only the server may propose); it is removed from the group and the event is audited.
   */
  z.object({
    type: z.literal('removed'),
    meetingId: id,
    reason: z.enum([
      'left',
      'removed',
      'timed-out',
      'commit-failed',
      'meeting-ended',
      'replaced',
      'removed-by-organizer',
      'signed-out',
      'not-admitted',
      'protocol-violation',
    ]),
    reasons: z.array(reasonSchema).exactOptional(),
  }),
  z.object({ type: z.literal('keyframe-request'), meetingId: id, streamId: z.number().int() }),
  /**
   * The relay refused media frames this participant sent and forwarded them to nobody: their
   * `sender` was not this participant's relay id (`spoofed_sender`), or their stream is not one of
   * its own (`stream_not_owned`; its streams are `relayId × 4 + kind`, docs/media.md). At most one
   * per stream and reason per second; `frames` counts the frames refused since the previous one.
   */
  z.object({
    type: z.literal('frame-refused'),
    meetingId: id,
    streamId: z.number().int().min(0),
    mediaKind: z.enum(mediaKinds),
    reason: z.enum(frameRefusedReasons),
    frames: z.number().int().min(1),
  }),
  /**
   * Answers to `remove-participant`, to the one who asked. `accepted`: `removed` are out of the
   * relay and the meeting now, and may not rejoin; the record and the group change may still wait
   * for the database. `done`: recorded (and audited) and, in an E2EE meeting, their MLS Removes
   * proposed — the commit that applies them follows from a member. `refused`: nothing was done.
   */
  z.object({
    type: z.literal('removal-accepted'),
    meetingId: id,
    participantId: id,
    removed: z.array(id),
  }),
  z.object({
    type: z.literal('removal-done'),
    meetingId: id,
    participantId: id,
    removed: z.array(id),
  }),
  z.object({
    type: z.literal('removal-refused'),
    meetingId: id,
    participantId: id,
    code: z.enum(removalRefusals),
    message: z.string(),
  }),
  z.object({ type: z.literal('pong'), nonce: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /**
   * The server is shutting down and closes this socket next (1012): nothing is lost — members keep
   * their leaves and resume with `join { resumeEpoch }` — so reconnect as soon as it answers again
   * instead of backing off as after an unexplained drop.
   */
  z.object({ type: z.literal('server-restarting') }),
  /** The user's 1:1 calls ringing, answered or over (./call-notices.ts). */
  ...callNoticeSchemas,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
