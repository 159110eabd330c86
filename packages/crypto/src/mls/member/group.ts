// Creating a meeting's group, with the server as its one external sender.
import { createGroup } from 'ts-mls';
import { MlsError, guard } from '../public/errors.ts';
import { externalSendersExtension } from '../public/externalSender.ts';
import type { MeetingContext } from './context.ts';
import type { DeviceCredential } from './device.ts';
import { AuthLog } from './auth.ts';
import { generateKeyPackage, openKeyPackageBundle } from './keyPackages.ts';
import { clientConfig, wrap, type MeetingState } from './state.ts';

const GROUP_ID_LENGTH = 32;

export async function createMeeting(
  ctx: MeetingContext,
  device: DeviceCredential,
  options: { readonly groupId?: Uint8Array } = {},
): Promise<MeetingState> {
  const groupId = options.groupId ?? ctx.crypto.impl.rng.randomBytes(GROUP_ID_LENGTH);
  if (groupId.length === 0 || groupId.length > 255) throw new MlsError('invalid_argument');
  const bundle = await generateKeyPackage(ctx.crypto, device, { now: ctx.now() });
  const { keyPackage, privatePackage } = openKeyPackageBundle(bundle.privateBytes, device);
  // `external_senders` must stay the first (and only) group-context extension: ts-mls 1.6.4
  // computes the sender index over all extensions when proposing, and only over
  // `external_senders` entries when receiving.
  const extensions = [externalSendersExtension(ctx.server)];
  const client = await guard('protocol', () =>
    createGroup(
      groupId,
      keyPackage,
      privatePackage,
      extensions,
      ctx.crypto.impl,
      clientConfig(ctx, new AuthLog(), { acceptServer: true }),
    ),
  );
  return wrap(ctx.crypto, client);
}
