// `conclave device verify|unverify`: marks another person's device verified on this CLI's device
// (the one `conclave join` uses, whose pins it checks against), after comparing its key fingerprint
// with its owner — `conclave join` prints each member's fingerprint. The mark stays in the CLI's
// device folder, never on the server (docs/e2ee-profile.md "Verified devices").
import { ClientError } from '@conclave/client';
import type { Command } from 'commander';
import { connect, type Session } from '../api/session.ts';
import { CliError } from '../errors.ts';
import { cliError } from '../headless/connect.ts';
import { emit } from '../output/print.ts';
import { example, withServer, type ServerCommandFlags } from './define.ts';
import { onThisDevice } from './signed-admissions.ts';

export function registerDeviceCommands(program: Command): void {
  const device = program
    .command('device')
    .description("verify other people's devices on this CLI's device");
  example(
    device,
    'conclave device verify 8d1c…-user 41f0…-device 12345 67890 … (the 12 groups)',
    'conclave device unverify 8d1c…-user 41f0…-device',
  );
  const verify = withServer(
    device
      .command('verify')
      .description(
        'mark a device verified after comparing its key fingerprint with its owner (kept on this device only)',
      )
      .argument('<user>', 'the user id of the device’s owner')
      .argument('<device>', 'the device id')
      .argument(
        '<fingerprint...>',
        'the 60-digit fingerprint its owner reads out (spaces allowed)',
      ),
  ).action(async (user: string, deviceId: string, words: string[], flags: ServerCommandFlags) => {
    const session = await connect(flags);
    const fingerprint = words.join(' ');
    await onThisDevice(session, async (client) => {
      try {
        await client.verifyDevice({ userId: user, deviceId }, fingerprint);
      } catch (error) {
        throw verifyError(error, session);
      }
    });
    emit(flags, { userId: user, deviceId, verified: true }, () =>
      [
        `Device ${deviceId} of ${user} is verified on this device.`,
        'Every later `conclave join` shows it as verified while the device keeps this key.',
      ].join('\n'),
    );
  });
  example(
    verify,
    'conclave device verify 8d1c…-user 41f0…-device 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890',
  );
  const unverify = withServer(
    device
      .command('unverify')
      .description('remove the verified mark of a device')
      .argument('<user>', 'the user id of the device’s owner')
      .argument('<device>', 'the device id'),
  ).action(async (user: string, deviceId: string, flags: ServerCommandFlags) => {
    const session = await connect(flags);
    const had = await onThisDevice(session, (client) =>
      client.unverifyDevice({ userId: user, deviceId }),
    );
    emit(flags, { userId: user, deviceId, verified: false, wasVerified: had }, () =>
      had
        ? `Device ${deviceId} of ${user} is no longer marked verified.`
        : `Device ${deviceId} of ${user} was not marked verified.`,
    );
  });
  example(unverify, 'conclave device unverify 8d1c…-user 41f0…-device');
}

function verifyError(error: unknown, session: Session): CliError {
  if (error instanceof ClientError && error.code === 'fingerprint_mismatch')
    return new CliError(
      'invalid_input',
      'That fingerprint is not the key this device saw for that device (or it never saw the device: join a meeting with it first). Nothing was marked.',
      { cause: error },
    );
  if (error instanceof ClientError && error.code === 'invalid_argument')
    return new CliError(
      'invalid_input',
      'A fingerprint is 60 digits (12 groups of 5), of another device than this one.',
      { cause: error },
    );
  return cliError(error, session.credentials.server);
}
