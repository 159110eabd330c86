// The signaling messages the delivery service sends about the group, built from its own records
// (pure): a proposal it signed, the commits a resuming member missed, a member's MLS application
// message relayed to the others, and the typed answer to a commit that did not win.
import {
  MlsError,
  encodeServerIdentity,
  readMessageHeader,
  type ExternalSenderKeyPair,
  type MessageHeader,
} from '@conclave/crypto/server';
import { ServerError } from '../../errors.ts';
import { epochText, fromBase64, toBase64 } from '../bytes.ts';
import type { ClientMessageOf, ServerMessage } from '../signaling.ts';
import { sameBytes } from './commit-check.ts';
import type { BatchWait } from './batch-wait.ts';
import type { CommitPlan } from './commit-plan.ts';
import type { MlsJoinInfo } from './delivery-types.ts';
import type { Flushed, Member, Proposal } from './group.ts';
import type { GroupState } from './group-state.ts';

/** The `mls` part of `joined`: the participant's role, the group and the server's key. */
export function joinInfo(
  role: MlsJoinInfo['role'],
  state: GroupState,
  sender: ExternalSenderKeyPair,
  cipherSuite: number,
): MlsJoinInfo {
  if (state.kind === 'none')
    throw new ServerError('INTERNAL', 'An MLS join was described before the group was founded.');
  return {
    role,
    groupId: toBase64(state.groupId),
    externalSender: {
      signaturePublicKey: toBase64(sender.publicKey),
      identity: toBase64(encodeServerIdentity(sender.identity)),
    },
    cipherSuite,
    ...(state.kind === 'active' ? { epoch: epochText(state.epoch) } : {}),
  };
}

/**
 * Who hears of an accepted commit, and what: its author that it won, every other member the
 * commit itself, and each joiner its Welcome (never the commit: the Welcome brings them in). Each
 * message is one for all its recipients, so a cluster forwards it once; the Welcome therefore
 * names each joiner's own wait (`waits`: by participant id, those the request measured).
 */
export function commitAnnouncements(
  meetingId: string,
  plan: CommitPlan,
  author: string,
  message: ClientMessageOf<'commit'>,
  members: readonly Member[],
  waits: ReadonlyMap<string, BatchWait>,
): [message: ServerMessage, recipients: string[]][] {
  const epoch = epochText(plan.epoch);
  const others = members
    .filter((m) => m.participantId !== author && !plan.joined.includes(m))
    .map((m) => m.participantId);
  const out: [ServerMessage, string[]][] = [
    [{ type: 'commit-accepted', meetingId, epoch }, [author]],
    [{ type: 'commit', meetingId, epoch, message: message.commit }, others],
  ];
  if (message.welcome !== undefined) {
    const joinerWaits = plan.joined.flatMap((m) => {
      const wait = waits.get(m.participantId);
      return wait === undefined ? [] : [[m.participantId, wait] as const];
    });
    const welcome: ServerMessage = {
      type: 'welcome',
      meetingId,
      epoch: epochText(plan.next),
      message: message.welcome,
      ...(joinerWaits.length === 0 ? {} : { waits: Object.fromEntries(joinerWaits) }),
    };
    out.push([welcome, plan.joined.map((m) => m.participantId)]);
  }
  return out.filter(([, recipients]) => recipients.length > 0);
}

/** A proposal as the members get it, in the epoch it was signed for. */
export function proposalMessage(
  meetingId: string,
  p: Proposal & { readonly flushed: Flushed },
): ServerMessage {
  return {
    type: 'proposal',
    meetingId,
    proposalId: p.proposalId,
    epoch: epochText(p.flushed.epoch),
    message: toBase64(p.flushed.message),
    kind: p.kind,
    participantId: p.participantId,
  };
}

/** Each missed epoch's covered proposals, then its commit: what a resuming member replays. */
export function replayMessages(
  meetingId: string,
  commits: readonly {
    readonly epoch: number;
    readonly message: string;
    readonly proposals: readonly {
      readonly proposalId: string;
      readonly kind: 'add' | 'remove';
      readonly participantId: string;
      readonly message: string;
    }[];
  }[],
): ServerMessage[] {
  return commits.flatMap((c): ServerMessage[] => [
    ...c.proposals.map((p): ServerMessage => ({
      type: 'proposal',
      meetingId,
      epoch: String(c.epoch),
      ...p,
    })),
    { type: 'commit', meetingId, epoch: String(c.epoch), message: c.message },
  ]);
}

/**
 * A member's MLS application message (E2EE chat, media state) as the other members get it, or
 * undefined if the bytes are not an application PrivateMessage of this group.
 */
export function relayedApplication(
  meetingId: string,
  groupId: Uint8Array,
  from: string,
  message: ClientMessageOf<'app-message'>,
): ServerMessage | undefined {
  const bytes = fromBase64(message.message);
  const header = bytes === undefined ? undefined : tryHeader(bytes);
  if (
    header?.wireFormat !== 'private_message' ||
    header.contentType !== 'application' ||
    !sameBytes(header.groupId, groupId)
  ) {
    return undefined;
  }
  return { type: 'app-message', meetingId, epoch: message.epoch, from, message: message.message };
}

export function commitRejected(
  meetingId: string,
  epoch: string,
  reason: 'stale-epoch' | 'future-epoch' | 'not-member',
  currentEpoch: bigint,
): ServerMessage {
  return {
    type: 'commit-rejected',
    meetingId,
    epoch,
    reason,
    currentEpoch: epochText(currentEpoch),
  };
}

function tryHeader(bytes: Uint8Array): MessageHeader | undefined {
  try {
    return readMessageHeader(bytes);
  } catch (error) {
    if (error instanceof MlsError) return undefined;
    throw error;
  }
}
