// An SDK client for the signed-in CLI user: the stored sign-in, the `ws` WebSocket, and a device
// identity kept in the CLI's config folder (so `conclave join` is the same device every run and
// the keys it pinned for others persist).
import { join } from 'node:path';
import { ConclaveClient, ClientError, type KeyValueStore } from '@conclave/client';
import { FileStore, nodeWebSocketFactory } from '@conclave/client/node';
import { configDir } from '../config/credentials.ts';
import { CliError } from '../errors.ts';

export async function connectClient(options: {
  readonly server: string;
  readonly token: string;
  readonly store?: KeyValueStore;
}): Promise<ConclaveClient> {
  try {
    return await ConclaveClient.connect({
      server: options.server,
      auth: { token: options.token },
      store: options.store ?? new FileStore(join(configDir(), 'device')),
      webSocket: nodeWebSocketFactory(),
      deviceName: 'conclave CLI',
      clientInfo: { platform: cliPlatform() },
    });
  } catch (error) {
    throw cliError(error, options.server);
  }
}

/** An SDK failure as the CLI reports it (exit code by kind, a message without secrets). */
export function cliError(error: unknown, server: string): CliError {
  if (!(error instanceof ClientError)) {
    return new CliError('failed', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  switch (error.code) {
    case 'not_authenticated':
      return new CliError(
        'not_signed_in',
        `${server} refused the stored session; run \`conclave sign-in\``,
        { cause: error },
      );
    case 'connection_failed':
    case 'timeout':
      return new CliError(
        'network',
        `cannot reach the Conclave server at ${server} (${error.message})`,
        { cause: error },
      );
    case 'join_blocked':
      return new CliError(
        'server',
        [
          'the server refused the join:',
          ...error.reasons.map((r) => `  - ${r.code}: ${r.message}`),
        ].join('\n'),
        {
          cause: error,
          server: {
            status: 403,
            code: 'JOIN_BLOCKED',
            message: 'The server refused the join.',
            reasons: [...error.reasons],
          },
        },
      );
    default:
      return new CliError('failed', error.message, { cause: error });
  }
}

function cliPlatform(): 'linux' | 'macos' | 'windows' {
  if (process.platform === 'darwin') return 'macos';
  if (process.platform === 'win32') return 'windows';
  return 'linux';
}
