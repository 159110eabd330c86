// Commits made by this member. Each returns the state of the next epoch as a *candidate*: the
// delivery service accepts one commit per epoch, so the caller adopts `state` only once its commit
// was accepted, and otherwise keeps the previous state and processes the winning commit.
import { createCommit, encodeMlsMessage } from 'ts-mls';
import type { ClientState } from 'ts-mls';
import { MlsError } from '../public/errors.ts';
import { wipe } from '../public/bytes.ts';
import type { MeetingContext } from './context.ts';
import { AuthLog, type AuthEvent } from './auth.ts';
import { committable, revalidate } from './policy.ts';
import { rosterChanges, type RosterEntry } from './roster.ts';
import { clientConfig, requireActive, withConfig, wrap, type MeetingState } from './state.ts';

export type CommitResult =
  | {
      readonly kind: 'commit';
      /** The next epoch's state, to adopt once the delivery service accepted `commit`. */
      readonly state: MeetingState;
      readonly epoch: bigint;
      /**
       * MLSMessage for the group, as a PublicMessage: the delivery service reads which proposals it
       * applies (and so where joiners land) from the bytes the members process.
       */
      readonly commit: Uint8Array;
      /** MLSMessage (Welcome) for the added members; deliver only if `commit` won its epoch. */
      readonly welcome: Uint8Array | undefined;
      readonly added: RosterEntry[];
      readonly removed: RosterEntry[];
      readonly events: AuthEvent[];
      /** Secrets of the previous epoch; pass to `wipe` once the commit was accepted. */
      readonly consumed: Uint8Array[];
    }
  | { readonly kind: 'nothing_to_commit'; readonly state: MeetingState };

/** Commits every valid pending proposal (the server's Adds and Removes, members' Updates) at once. */
export async function commitPending(
  ctx: MeetingContext,
  state: MeetingState,
): Promise<CommitResult> {
  return commit(ctx, state, requireActive(state), { skipIfEmpty: true });
}

/**
 * The periodic key rotation: a commit with an update path (fresh leaf key and path secrets).
 * Pending proposals are committed with it. ts-mls 1.6.4 omits the path when everything pending is
 * an Add; the epoch still changes, and the next update without pending Adds rotates the leaf.
 */
export async function commitUpdate(
  ctx: MeetingContext,
  state: MeetingState,
): Promise<CommitResult> {
  return commit(ctx, state, requireActive(state));
}

async function commit(
  ctx: MeetingContext,
  state: MeetingState,
  client: ClientState,
  options: { skipIfEmpty?: boolean } = {},
): Promise<CommitResult> {
  const log = new AuthLog();
  const { kept } = await revalidate(ctx, client, committable(client), log);
  if (options.skipIfEmpty === true && Object.keys(kept).length === 0)
    return { kind: 'nothing_to_commit', state };
  const input = withConfig({ ...client, unappliedProposals: kept }, clientConfig(ctx, log));
  let result;
  try {
    result = await createCommit(
      { state: input, cipherSuite: ctx.crypto.impl },
      // Only the pending proposals (the server's, by reference): a member commits nothing of its own
      // making but its update path.
      { ratchetTreeExtension: true, wireAsPublicMessage: true },
    );
  } catch (cause) {
    throw new MlsError(log.anyRejected ? 'not_authenticated' : 'protocol', { cause });
  }
  const next = result.newState;
  const changes = rosterChanges(client, next);
  return {
    kind: 'commit',
    state: wrap(state.crypto, next),
    epoch: next.groupContext.epoch,
    commit: encodeMlsMessage(result.commit),
    welcome:
      result.welcome === undefined
        ? undefined
        : encodeMlsMessage({
            version: 'mls10',
            wireformat: 'mls_welcome',
            welcome: result.welcome,
          }),
    ...changes,
    events: log.list(),
    consumed: result.consumed,
  };
}

export { wipe };
