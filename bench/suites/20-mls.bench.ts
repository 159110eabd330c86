// MLS meeting-key layer at N = 10, 50, 200 members, through the adapter as clients use it
// (authentication service and proposal checks included). Each row is measured with the
// adapter's node:crypto provider beside the library's default provider (async WebCrypto) in the
// same run. "churned" rows come after a few rounds of update commits by early joiners (leaves 1-3,
// one corner of the tree) and removes by the host, as in notes/ts-mls.md: parent nodes are filled
// on one path only, so ts-mls 1.6.4's uncached parent-hash checks cost a joiner the most. Joins go
// through the adapter's copy of the library's join (src/mls/member/join/, same checks, each
// subtree hashed once) with either provider, so the baseline column shows the provider's share.
// Targets (brief): at N = 200 a Welcome join <= 300 ms, a member's commit processing <= 150 ms.
import type { Bench } from '../harness.ts';
import { timeMs } from '../harness.ts';
import {
  createMlsCrypto,
  externalSenderInfo,
  generateExternalSender,
  proposeExternalAdd,
  proposeExternalRemove,
  type MlsCrypto,
  type MlsProviderName,
} from '../../packages/crypto/src/server.ts';
import {
  commitPending,
  commitUpdate,
  createAuthenticator,
  createDevice,
  createMeeting,
  createMeetingContext,
  epoch,
  exportSFrameBaseKey,
  generateKeyPackage,
  groupId,
  InMemoryPinStore,
  joinFromWelcome,
  members,
  ownLeafIndex,
  receiveMessage,
  staticDirectory,
  type CommitResult,
  type DeviceCredential,
  type KeyPackageBundle,
  type MeetingContext,
  type MeetingState,
} from '../../packages/crypto/src/member.ts';

export const name = 'mls';

const SIZES = [10, 50, 200] as const;
const CHURN_ROUNDS = 3;

interface Figures {
  addCommit: number;
  join: number;
  removeCommit: number;
  processCommit: number;
  exporter: number;
  churnedJoin: number;
  churnedProcess: number;
}

export async function run(bench: Bench): Promise<void> {
  bench.progress('mls warm-up (JIT) with a small group on both providers');
  await measure('node', 6, bench);
  await measure('library-default', 6, bench);
  for (const n of SIZES) {
    bench.progress(`mls N=${n}: node provider`);
    const ours = await measure('node', n, bench);
    bench.progress(`mls N=${n}: library default provider (baseline)`);
    const base = await measure('library-default', n, bench);
    const target = (ms: number): string => (n === 200 ? ` (target <= ${ms} ms)` : '');
    bench.record(
      `mls N=${n} batched add commit (${n - 1} adds)`,
      ours.addCommit,
      'ms',
      base.addCommit,
    );
    bench.record(`mls N=${n} Welcome join${target(300)}`, ours.join, 'ms', base.join);
    bench.record(`mls N=${n} remove commit creation`, ours.removeCommit, 'ms', base.removeCommit);
    bench.record(
      `mls N=${n} commit processing by a member${target(150)}`,
      ours.processCommit,
      'ms',
      base.processCommit,
    );
    bench.record(`mls N=${n} exporter (SFrame base key)`, ours.exporter, 'ms', base.exporter);
    bench.record(
      `mls N=${n} churned Welcome join${target(300)}`,
      ours.churnedJoin,
      'ms',
      base.churnedJoin,
    );
    bench.record(
      `mls N=${n} churned commit processing${target(150)}`,
      ours.churnedProcess,
      'ms',
      base.churnedProcess,
    );
  }
}

interface Member {
  device: DeviceCredential;
  ctx: MeetingContext;
  state: MeetingState | undefined;
}

async function measure(provider: MlsProviderName, n: number, bench: Bench): Promise<Figures> {
  const crypto = await createMlsCrypto({ provider });
  const server = await generateExternalSender(crypto, { tenantId: 'bench', serverId: 'server' });
  const devices = await Promise.all(
    Array.from({ length: n + 1 }, (_, i) =>
      createDevice(crypto, { tenantId: 'bench', userId: `u${i}`, deviceId: `d${i}` }),
    ),
  );
  const directory = staticDirectory({
    devices: devices.map((d) => ({
      identity: d.identity,
      signaturePublicKey: d.keyPair.publicKey,
    })),
  });
  // Each member has its own MlsCrypto, as each client does: it remembers the signatures it
  // verified, and a joiner must not profit from what the host already checked.
  const member = async (device: DeviceCredential): Promise<Member> => ({
    device,
    ctx: createMeetingContext({
      crypto: await createMlsCrypto({ provider }),
      authenticator: createAuthenticator({ directory, pins: new InMemoryPinStore() }),
      server: externalSenderInfo(server),
    }),
    state: undefined,
  });
  const everyone = await Promise.all(devices.map(member));
  const host = everyone[0]!;
  host.state = await createMeeting(host.ctx, host.device);

  // Members whose state the benchmark follows: the host, the early joiners who commit the churn,
  // and joiners further out in the tree.
  const trackedLeaves = [...new Set([1, 2, 3, Math.floor(n / 2), n - 1])].filter(
    (l) => l > 0 && l < n,
  );
  const bundles = new Map<number, KeyPackageBundle>();
  for (let leaf = 1; leaf < n; leaf++) {
    const bundle = await generateKeyPackage(crypto, everyone[leaf]!.device);
    bundles.set(leaf, bundle);
    await propose(crypto, server, [host], bundle.publicBytes);
  }
  let commit: CommitResult | undefined;
  const addCommit = await timeMs(async () => {
    commit = await commitPending(host.ctx, host.state!);
  });
  const added = expectCommit(commit);
  host.state = added.state;
  const tracked = [host];
  const joins: number[] = [];
  for (const leaf of trackedLeaves) {
    const m = everyone[leaf]!;
    joins.push(
      await timeMs(async () => {
        const joined = await joinFromWelcome(
          m.ctx,
          added.welcome!,
          m.device,
          bundles.get(leaf)!.privateBytes,
        );
        if (joined.kind !== 'joined') throw new Error('join refused');
        m.state = joined.state;
      }),
    );
    tracked.push(m);
  }
  const join = median(joins);

  let exporter = 0;
  const exporterRuns = 50;
  for (let i = 0; i < exporterRuns; i++)
    exporter += await timeMs(() => exportSFrameBaseKey(host.state!));
  exporter /= exporterRuns;

  // Remove a member nobody tracks (the server proposes it), committed by the host, processed by a
  // tracked member.
  let removal: CommitResult | undefined;
  await proposeRemove(crypto, server, tracked, victimLeaf(host.state, tracked, 99)!);
  const removeCommit = await timeMs(async () => {
    removal = await commitPending(host.ctx, host.state!);
  });
  const processCommit = await applyEverywhere(tracked, host, expectCommit(removal));

  // Churn: updates by the early joiners, removes (spread over the tree) by the host.
  let churnedProcess = 0;
  for (let round = 0; round < CHURN_ROUNDS; round++) {
    const committer = tracked[1 + (round % 3)] ?? host;
    churnedProcess = await applyEverywhere(
      tracked,
      committer,
      expectCommit(await commitUpdate(committer.ctx, committer.state!)),
    );
    const victim = victimLeaf(host.state, tracked, round);
    if (victim !== undefined) {
      await proposeRemove(crypto, server, tracked, victim);
      await applyEverywhere(tracked, host, expectCommit(await commitPending(host.ctx, host.state)));
    }
  }
  const late = everyone[n]!;
  const lateBundle = await generateKeyPackage(crypto, late.device);
  await propose(crypto, server, tracked, lateBundle.publicBytes);
  const lateAdd = expectCommit(await commitPending(host.ctx, host.state));
  await applyEverywhere(tracked, host, lateAdd);
  const churnedJoin = await timeMs(async () => {
    const joined = await joinFromWelcome(
      late.ctx,
      lateAdd.welcome!,
      late.device,
      lateBundle.privateBytes,
    );
    if (joined.kind !== 'joined') throw new Error('join refused');
  });
  bench.progress(`mls N=${n} ${provider}: epoch ${epoch(host.state)}`);
  return { addCommit, join, removeCommit, processCommit, exporter, churnedJoin, churnedProcess };
}

async function propose(
  crypto: MlsCrypto,
  server: Awaited<ReturnType<typeof generateExternalSender>>,
  to: Member[],
  keyPackage: Uint8Array,
): Promise<void> {
  const group = to[0]!.state!;
  const target = { groupId: groupId(group), epoch: epoch(group) };
  await deliverProposal(to, await proposeExternalAdd(crypto, server, target, keyPackage));
}

/** The server's Remove of `leaf` (members never remove each other), delivered to `to`. */
async function proposeRemove(
  crypto: MlsCrypto,
  server: Awaited<ReturnType<typeof generateExternalSender>>,
  to: Member[],
  leaf: number,
): Promise<void> {
  const group = to[0]!.state!;
  const target = { groupId: groupId(group), epoch: epoch(group) };
  await deliverProposal(to, await proposeExternalRemove(crypto, server, target, leaf));
}

async function deliverProposal(to: Member[], proposal: Uint8Array): Promise<void> {
  for (const m of to) {
    const r = await receiveMessage(m.ctx, m.state!, proposal);
    if (r.kind !== 'proposal_pending') throw new Error(`proposal ${r.kind}`);
    m.state = r.state;
  }
}

/** Adopts the committer's state, delivers the commit to the other tracked members; returns one member's processing time. */
async function applyEverywhere(
  tracked: Member[],
  committer: Member,
  commit: Extract<CommitResult, { kind: 'commit' }>,
): Promise<number> {
  committer.state = commit.state;
  let measured = 0;
  for (const m of tracked) {
    if (m === committer) continue;
    let kind = '';
    const ms = await timeMs(async () => {
      const r = await receiveMessage(m.ctx, m.state!, commit.commit);
      kind = r.kind;
      m.state = r.state;
    });
    if (kind !== 'commit_applied') throw new Error(`commit ${kind}`);
    if (measured === 0) measured = ms;
  }
  return measured;
}

/** A member nobody tracks, picked across the tree so removes land in different subtrees. */
function victimLeaf(state: MeetingState, tracked: Member[], round: number): number | undefined {
  const taken = new Set(tracked.map((m) => ownLeafIndex(m.state!)));
  const candidates = members(state)
    .map((m) => m.leafIndex)
    .filter((leaf) => !taken.has(leaf));
  return candidates.length === 0 ? undefined : candidates[(round * 37 + 5) % candidates.length];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

function expectCommit(result: CommitResult | undefined): Extract<CommitResult, { kind: 'commit' }> {
  if (result?.kind !== 'commit') throw new Error('expected a commit');
  return result;
}
