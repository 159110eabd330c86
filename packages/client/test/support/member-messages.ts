// A member that makes MLS application messages by hand — with any payload, claiming any leaf —
// and sends them through its own socket, as a lying participant would (chat, media state and
// reaction tests). `state` is the member's MLS state, taken with the SDK's `inspect` option.
import {
  createMeetingContext,
  createMlsCrypto,
  encryptApplicationMessage,
  type MeetingState,
} from '@conclave/crypto/member';
import { toBase64 } from '../../src/bytes.ts';
import type { Tap } from './tapped-socket.ts';

export async function handMadeAppMessages(
  state: MeetingState,
  tap: Tap,
  meetingId: string,
  epoch: () => bigint | undefined,
): Promise<(payload: Uint8Array) => Promise<void>> {
  const ctx = createMeetingContext({
    crypto: await createMlsCrypto(),
    authenticator: { authenticate: () => Promise.reject(new Error('not used to encrypt')) },
    server: { identity: { tenantId: 'unused', serverId: 'unused' }, publicKey: new Uint8Array() },
  });
  let current = state;
  return async (payload) => {
    const made = await encryptApplicationMessage(ctx, current, payload);
    current = made.state;
    tap.sendText(
      JSON.stringify({
        type: 'app-message',
        meetingId,
        epoch: String(epoch()),
        message: toBase64(made.message),
      }),
    );
  };
}
