// Single sign-on for the CLI (`conclave sign-in --sso`), by a loopback redirect (RFC 8252): the
// CLI listens on 127.0.0.1, the browser signs in at the provider as usual, and the callback sends
// it to the CLI's port with a one-time code instead of setting a browser session. The code is
// sealed (it names the user and expires in a minute) and is redeemed only with the verifier whose
// SHA-256 the CLI gave at the start — another program on the machine that sees the redirect
// cannot use it — and only once.
import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { UserRecord } from '../../storage/records.ts';
import type { CliWaiting } from './flow.ts';

const CODE_TTL_MS = 60_000;

interface Handoff {
  readonly tenantId: string;
  readonly userId: string;
  readonly challenge: string;
  readonly expiresAt: number;
}

/** Where the browser goes after signing in for the CLI: its loopback port, with the code. */
export function handoffUrl(ctx: AppContext, cli: CliWaiting, user: UserRecord): string {
  const handoff: Handoff = {
    tenantId: user.tenantId,
    userId: user.id,
    challenge: cli.challenge,
    expiresAt: ctx.now() + CODE_TTL_MS,
  };
  const code = ctx.externalSenderVault.sealSsoFlow(JSON.stringify({ handoff }));
  return `http://127.0.0.1:${cli.port}/callback?code=${encodeURIComponent(code)}`;
}

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * The user the code signs in, or undefined: unknown, altered, expired, used, wrong verifier. A
 * code is good once in the whole deployment: its use is recorded in the database.
 */
export async function redeem(
  ctx: AppContext,
  code: string,
  verifier: string,
): Promise<{ tenantId: string; userId: string } | undefined> {
  const text = ctx.externalSenderVault.openSsoFlow(code);
  if (text === undefined) return undefined;
  const { handoff } = JSON.parse(text) as { handoff?: Handoff };
  const now = ctx.now();
  if (handoff === undefined || handoff.expiresAt < now) return undefined;
  if (challengeOf(verifier) !== handoff.challenge) return undefined;
  const codeHash = createHash('sha256').update(code).digest('hex');
  if (!(await ctx.store.sso.redeemOnce(codeHash, handoff.expiresAt, now))) return undefined;
  return { tenantId: handoff.tenantId, userId: handoff.userId };
}
