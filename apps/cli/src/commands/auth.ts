// `conclave sign-in`, `sign-out` and `whoami`: the stored session every server command uses.
// `sign-in --sso` opens the session through the organization's identity provider instead of a
// password (../auth/sso-loopback.ts); either way it is stored and reported the same.
import { Option } from 'commander';
import type { Command } from 'commander';
import { ApiClient } from '../api/client.ts';
import { unwrapItem } from '../api/envelope.ts';
import { connect, defaultServer, normalizeServerUrl } from '../api/session.ts';
import type { SignInResponse, User } from '../api/types.ts';
import { browserWanted, openBrowser } from '../auth/open-browser.ts';
import { signInThroughBrowser } from '../auth/sso-loopback.ts';
import {
  credentialsPath,
  deleteCredentials,
  readCredentials,
  writeCredentials,
} from '../config/credentials.ts';
import { readDeviceToken, writeDeviceToken } from '../config/known-devices.ts';
import { CliError } from '../errors.ts';
import { readPassword } from '../input/password.ts';
import { emit, formatFields, printJson, printLines, progress } from '../output/print.ts';
import { example, withJson, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { positiveInteger } from './parsers.ts';

interface SignInFlags extends ServerCommandFlags {
  email: string;
  organization?: string;
  passwordStdin?: boolean;
  sso?: boolean;
  /** False with --no-browser. */
  browser?: boolean;
  /** Seconds to wait for the browser, with --sso. */
  timeout?: number;
}

/** A failed single sign-on never comes back to the CLI, so it waits this long and no longer. */
const SSO_DEFAULT_TIMEOUT_SECONDS = 300;

export function registerAuthCommands(program: Command): void {
  const signIn = withServer(
    program
      .command('sign-in')
      .description('sign in to a Conclave server and store the session for later commands')
      .requiredOption('--email <email>', 'your email address')
      .option(
        '--organization <name-or-id>',
        'the organization to sign in to, when your email address is in several',
      )
      .option(
        '--password-stdin',
        'read the password from stdin (else CONCLAVE_PASSWORD, else a prompt)',
      )
      .addOption(
        new Option(
          '--sso',
          "sign in through your organization's identity provider in the browser (no password)",
        ).conflicts(['passwordStdin', 'organization']),
      )
      .option('--no-browser', 'with --sso: print the sign-in address but do not open a browser')
      .option(
        '--timeout <seconds>',
        `with --sso: how long to wait for the browser sign-in (default: ${SSO_DEFAULT_TIMEOUT_SECONDS})`,
        positiveInteger,
      ),
  ).action(signInAction);
  example(
    signIn,
    'conclave sign-in --server http://127.0.0.1:8080 --email admin@example.org',
    'printf %s "$PASSWORD" | conclave sign-in --email admin@example.org --password-stdin',
    'conclave sign-in --email pat@example.org --organization "Contoso"',
    'conclave sign-in --sso --email pat@example.org',
  );

  const signOut = withJson(
    program.command('sign-out').description('end the session on the server and forget it locally'),
  ).action(signOutAction);
  example(signOut, 'conclave sign-out');

  const whoami = withServer(
    program.command('whoami').description('show who you are signed in as, and where'),
  ).action(whoamiAction);
  example(whoami, 'conclave whoami --json');
}

async function signInAction(flags: SignInFlags): Promise<void> {
  const stored = await readCredentials().catch(() => undefined);
  const server = normalizeServerUrl(
    flags.server ?? process.env.CONCLAVE_SERVER ?? stored?.server ?? defaultServer,
  );
  const session =
    flags.sso === true
      ? await signInWithSso(server, flags)
      : await signInWithPassword(server, flags);
  const user = session.user;
  const path = await writeCredentials({ server, token: session.token, email: user.email });
  // The token stays in the credentials file: it is left out of the printed result on purpose.
  const result = { server, expiresAt: session.expiresAt, user, credentialsFile: path };
  emit(flags, result, () => [
    `Signed in to ${server} as ${user.email} (${user.role}).`,
    `Session saved in ${path}${session.expiresAt === undefined ? '' : `, valid until ${session.expiresAt}`}.`,
    // The session can do nothing else until then (PASSWORD_CHANGE_REQUIRED).
    ...(user.mustChangePassword
      ? ['Your password is one-time: run `conclave password change` before anything else.']
      : []),
  ]);
}

interface OpenedSession {
  token: string;
  expiresAt: string | undefined;
  user: User;
}

async function signInWithPassword(server: string, flags: SignInFlags): Promise<OpenedSession> {
  const api = new ApiClient({ server });
  // Nobody should type a password for a server that is not there (or is not Conclave).
  await api.get('/healthz');
  const password = await readPassword(flags, `Password for ${flags.email}: `);
  progress(flags, `Signing in to ${server}…`);
  const device = { server, email: flags.email, organization: flags.organization };
  const deviceToken = await readDeviceToken(device);
  const response = await api.post<SignInResponse>('/api/auth/sign-in', {
    email: flags.email,
    password,
    ...(flags.organization === undefined ? {} : { organization: flags.organization }),
    ...(deviceToken === undefined ? {} : { deviceToken }),
  });
  if (typeof response.token !== 'string' || response.token === '') {
    throw new CliError('server', `the server at ${server} answered the sign-in without a token`);
  }
  if (typeof response.deviceToken === 'string' && response.deviceToken !== '') {
    await writeDeviceToken(device, response.deviceToken);
  }
  return response;
}

function signInWithSso(server: string, flags: SignInFlags): Promise<OpenedSession> {
  return signInThroughBrowser({
    server,
    email: flags.email,
    timeoutMs: (flags.timeout ?? SSO_DEFAULT_TIMEOUT_SECONDS) * 1000,
    showAddress: (url) => {
      // Always printed, even with --json (on stderr): it is the way in when no browser opens.
      process.stderr.write(`Open this address in your browser to sign in: ${url}\n`);
      if (browserWanted(flags)) openBrowser(url);
      progress(flags, 'Waiting for the browser sign-in…');
    },
  });
}

async function signOutAction(flags: { json?: boolean }): Promise<void> {
  const credentials = await readCredentials().catch(() => undefined);
  if (credentials === undefined) {
    await deleteCredentials();
    emit(flags, { signedOut: false }, () => 'Not signed in.');
    return;
  }
  let warning: string | undefined;
  try {
    await new ApiClient({ server: credentials.server, token: credentials.token }).post(
      '/api/auth/sign-out',
    );
  } catch (error) {
    // Forgetting the token locally is what the user asked for; a server that cannot be told
    // is reported, not fatal.
    warning = error instanceof Error ? error.message : String(error);
  }
  await deleteCredentials();
  if (flags.json === true) {
    printJson({ signedOut: true, server: credentials.server, ...(warning ? { warning } : {}) });
    return;
  }
  if (warning !== undefined) process.stderr.write(`conclave: warning: ${warning}\n`);
  printLines(`Signed out of ${credentials.server}; removed ${credentialsPath()}.`);
}

async function whoamiAction(flags: ServerCommandFlags): Promise<void> {
  const { api, credentials } = await connect(flags);
  const body = await api.get<{ user: User }>('/api/me');
  const user = unwrapItem<User>(body, 'user');
  emit(flags, body, () =>
    formatFields([
      ['Email', user.email],
      ['Name', user.displayName],
      ['Role', user.role],
      ['Premium licence', user.premium ? 'yes' : 'no'],
      ['Groups', user.groups === undefined ? undefined : user.groups.join(', ') || '(none)'],
      [
        'E2EE calls',
        user.settings === undefined ? undefined : user.settings.e2eeCalls ? 'on' : 'off',
      ],
      ['Server', credentials.server],
    ]),
  );
}
