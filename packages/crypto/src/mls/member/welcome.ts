// Joining a meeting from a Welcome. Besides the library's checks (every leaf through our
// authentication service, signatures, tree and parent hashes, confirmation tag), the group must
// name exactly the expected server key as its external sender: ts-mls does not check
// `external_senders` on join, and a group with another external sender could be fed proposals
// by someone other than the server. The library's Welcome processing runs through `./join/`: the
// same steps and checks as ts-mls 1.6.4's `joinGroup`, with tree hashes computed once per subtree.
import { emptyPskIndex } from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { MlsError } from '../public/errors.ts';
import { bytesEqual } from '../public/bytes.ts';
import { externalSenderInfoEqual, readExternalSenders } from '../public/externalSender.ts';
import { readMessageHeader } from '../public/headers.ts';
import type { MeetingContext } from './context.ts';
import type { DeviceCredential } from './device.ts';
import { AuthLog, type AuthEvent } from './auth.ts';
import { decodeMessage } from './incoming.ts';
import { joinGroup } from './join/joinGroup.ts';
import { openKeyPackageBundle } from './keyPackages.ts';
import { clientConfig, wrap, type MeetingState } from './state.ts';

export type JoinResult =
  | { readonly kind: 'joined'; readonly state: MeetingState; readonly events: AuthEvent[] }
  | {
      readonly kind: 'rejected';
      readonly reason: 'not_authenticated' | 'unexpected_external_sender';
      readonly events: AuthEvent[];
    };

/**
 * `keyPackagePrivate` is the `privateBytes` of the bundle whose public half the server handed to
 * the committer. Throws MlsError for bytes that are not a Welcome ('malformed', 'wrong_kind',
 * 'unsupported_suite'), a Welcome for another KeyPackage ('not_for_us'), or one the library
 * refuses ('protocol').
 */
export async function joinFromWelcome(
  ctx: MeetingContext,
  welcome: Uint8Array,
  device: DeviceCredential,
  keyPackagePrivate: Uint8Array,
): Promise<JoinResult> {
  const header = readMessageHeader(welcome);
  if (header.wireFormat !== 'welcome') throw new MlsError('wrong_kind');
  if (header.cipherSuite !== ctx.crypto.suite.id) throw new MlsError('unsupported_suite');
  const message = decodeMessage(welcome);
  if (message.wireformat !== 'mls_welcome') throw new MlsError('wrong_kind');
  const { keyPackage, privatePackage } = openKeyPackageBundle(keyPackagePrivate, device);
  const ref = await makeKeyPackageRef(keyPackage, ctx.crypto.impl.hash);
  if (!message.welcome.secrets.some((s) => bytesEqual(s.newMember, ref)))
    throw new MlsError('not_for_us');

  const log = new AuthLog();
  let client;
  try {
    client = await joinGroup(
      message.welcome,
      keyPackage,
      privatePackage,
      emptyPskIndex,
      ctx.crypto.impl,
      clientConfig(ctx, log),
    );
  } catch (cause) {
    if (log.anyRejected)
      return { kind: 'rejected', reason: 'not_authenticated', events: log.list() };
    throw new MlsError('protocol', { cause });
  }
  const extensions = client.groupContext.extensions;
  const senders = readExternalSenders(extensions);
  const server = senders?.[0];
  if (
    server === undefined ||
    senders?.length !== 1 ||
    extensions[0]?.extensionType !== 'external_senders' ||
    !externalSenderInfoEqual(server, ctx.server)
  ) {
    return { kind: 'rejected', reason: 'unexpected_external_sender', events: log.list() };
  }
  return { kind: 'joined', state: wrap(ctx.crypto, client), events: log.list() };
}
