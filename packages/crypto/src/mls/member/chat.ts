// E2EE meeting chat as MLS application messages (spec "E2EE chat").
import { createApplicationMessage, encodeMlsMessage } from 'ts-mls';
import { guard } from '../public/errors.ts';
import type { MeetingContext } from './context.ts';
import { AuthLog } from './auth.ts';
import { clientConfig, requireActive, withConfig, wrap, type MeetingState } from './state.ts';

export async function encryptApplicationMessage(
  ctx: MeetingContext,
  state: MeetingState,
  plaintext: Uint8Array,
): Promise<{ state: MeetingState; message: Uint8Array; consumed: Uint8Array[] }> {
  const client = withConfig(requireActive(state), clientConfig(ctx, new AuthLog()));
  const result = await guard('protocol', () =>
    createApplicationMessage(client, plaintext, ctx.crypto.impl),
  );
  return {
    state: wrap(state.crypto, result.newState),
    message: encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_private_message',
      privateMessage: result.privateMessage,
    }),
    consumed: result.consumed,
  };
}
