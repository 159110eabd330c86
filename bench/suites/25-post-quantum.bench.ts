// Post-quantum meetings (issue 13): the X-Wing suite MLS_256_XWING_AES256GCM_SHA512_Ed25519
// (0x0053) beside the classic MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001), both in this
// run, at N = 10, 50, 200: the batched add commit, a joiner's Welcome processing, an update
// commit's creation and its processing by a member, and the bytes of the KeyPackage, the add
// commit, the Welcome and the update commit. Each row's value is X-Wing, its baseline the classic
// suite. Both run on the noble provider (the node:crypto provider is classic-only), so the ratio is
// the suite's cost, not the provider's; 20-mls.bench.ts has the classic suite on node:crypto.
// BENCH_PQ_SIZES=10,50 limits the sizes (development); the default is all three.
import type { Bench } from '../harness.ts';
import { timeMs } from '../harness.ts';
import {
  createMlsCrypto,
  externalSenderInfo,
  generateExternalSender,
  proposeExternalAdd,
  type MeetingSuiteKind,
} from '../../packages/crypto/src/server.ts';
import {
  commitPending,
  commitUpdate,
  createAuthenticator,
  createDevice,
  createMeeting,
  createMeetingContext,
  epoch,
  generateKeyPackage,
  groupId,
  InMemoryPinStore,
  joinFromWelcome,
  receiveMessage,
  staticDirectory,
  type CommitResult,
  type MeetingContext,
  type MeetingState,
} from '../../packages/crypto/src/member.ts';

export const name = 'post-quantum';

const SIZES = (process.env.BENCH_PQ_SIZES ?? '10,50,200')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n >= 3);
/** Joiners whose Welcome processing is timed (the median is recorded). */
const TIMED_JOINS = 3;

interface Figures {
  addCommitMs: number;
  joinMs: number;
  updateCommitMs: number;
  processCommitMs: number;
  keyPackageBytes: number;
  addCommitBytes: number;
  welcomeBytes: number;
  updateCommitBytes: number;
}

export async function run(bench: Bench): Promise<void> {
  bench.progress('post-quantum warm-up (JIT) with a small group on both suites');
  await measure('classic', 4);
  await measure('post-quantum', 4);
  for (const n of SIZES) {
    bench.progress(`post-quantum N=${n}: classic suite (baseline)`);
    const classic = await measure('classic', n);
    bench.progress(`post-quantum N=${n}: X-Wing suite`);
    const pq = await measure('post-quantum', n);
    const row = (what: string, key: keyof Figures, unit: string): void =>
      bench.record(`pq N=${n} ${what} (X-Wing vs classic)`, pq[key], unit, classic[key]);
    row(`batched add commit (${n - 1} adds)`, 'addCommitMs', 'ms');
    row('Welcome join', 'joinMs', 'ms');
    row('update commit creation', 'updateCommitMs', 'ms');
    row('commit processing by a member', 'processCommitMs', 'ms');
    row('KeyPackage size', 'keyPackageBytes', 'bytes');
    row(`add commit size (${n - 1} adds)`, 'addCommitBytes', 'bytes');
    row(`Welcome size (${n - 1} joiners)`, 'welcomeBytes', 'bytes');
    row('update commit size', 'updateCommitBytes', 'bytes');
  }
}

async function measure(suite: MeetingSuiteKind, n: number): Promise<Figures> {
  const options = { provider: 'noble' as const, meetingSuite: suite };
  const crypto = await createMlsCrypto(options);
  const server = await generateExternalSender(crypto, { tenantId: 'bench', serverId: 'server' });
  const devices = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      createDevice(crypto, { tenantId: 'bench', userId: `u${i}`, deviceId: `d${i}` }),
    ),
  );
  const directory = staticDirectory({
    devices: devices.map((d) => ({
      identity: d.identity,
      signaturePublicKey: d.keyPair.publicKey,
    })),
  });
  // Each member its own MlsCrypto, as each client has (its verified-signature memory included).
  const contextOf = async (): Promise<MeetingContext> =>
    createMeetingContext({
      crypto: await createMlsCrypto(options),
      authenticator: createAuthenticator({ directory, pins: new InMemoryPinStore() }),
      server: externalSenderInfo(server),
    });
  const hostCtx = await contextOf();
  let host = await createMeeting(hostCtx, devices[0]!);
  const bundles: Awaited<ReturnType<typeof generateKeyPackage>>[] = [];
  for (let i = 1; i < n; i++) {
    const bundle = await generateKeyPackage(crypto, devices[i]!);
    bundles.push(bundle);
    const target = { groupId: groupId(host), epoch: epoch(host) };
    const proposal = await proposeExternalAdd(crypto, server, target, bundle.publicBytes);
    host = expectPending(await receiveMessage(hostCtx, host, proposal));
  }
  let added: CommitResult | undefined;
  const addCommitMs = await timeMs(async () => {
    added = await commitPending(hostCtx, host);
  });
  const add = expectCommit(added);
  host = add.state;
  const joined: { ctx: MeetingContext; state: MeetingState }[] = [];
  const joins: number[] = [];
  for (const i of [1, n >> 1, n - 1].slice(0, TIMED_JOINS)) {
    const ctx = await contextOf();
    let state: MeetingState | undefined;
    joins.push(
      await timeMs(async () => {
        const result = await joinFromWelcome(
          ctx,
          add.welcome!,
          devices[i]!,
          bundles[i - 1]!.privateBytes,
        );
        if (result.kind !== 'joined') throw new Error('join refused');
        state = result.state;
      }),
    );
    joined.push({ ctx, state: state! });
  }
  const member = joined[0]!;
  let update: CommitResult | undefined;
  const updateCommitMs = await timeMs(async () => {
    update = await commitUpdate(member.ctx, member.state);
  });
  const updated = expectCommit(update);
  const processCommitMs = await timeMs(async () => {
    const r = await receiveMessage(hostCtx, host, updated.commit);
    if (r.kind !== 'commit_applied') throw new Error(`commit ${r.kind}`);
  });
  return {
    addCommitMs,
    joinMs: median(joins),
    updateCommitMs,
    processCommitMs,
    keyPackageBytes: bundles[0]!.publicBytes.length,
    addCommitBytes: add.commit.length,
    welcomeBytes: add.welcome!.length,
    updateCommitBytes: updated.commit.length,
  };
}

function expectPending(result: Awaited<ReturnType<typeof receiveMessage>>): MeetingState {
  if (result.kind !== 'proposal_pending') throw new Error(`proposal ${result.kind}`);
  return result.state;
}

function expectCommit(result: CommitResult | undefined): Extract<CommitResult, { kind: 'commit' }> {
  if (result?.kind !== 'commit') throw new Error('expected a commit');
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}
