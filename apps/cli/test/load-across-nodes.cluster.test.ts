// `conclave load --servers …` against a three-node cluster: participants split over the nodes,
// one meeting, one code, media decrypted — the run the 1,000-person benchmark makes, small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../../../packages/client/test/support/cluster.ts';
import { ApiClient } from '../src/api/client.ts';
import type { SignInResponse } from '../src/api/types.ts';
import { runLoad } from '../src/headless/load-runner.ts';
import { ProgressBar } from '../src/headless/progress-bar.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start(undefined, { CONCLAVE_TEST_SIGN_INS_PER_ADDRESS: '1000' });
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

describe('conclave load across nodes', () => {
  it('admits everyone into one E2EE meeting spread over three nodes, codes agreeing', async () => {
    const admin = cluster.admin;
    if (admin === undefined) throw new Error('no first admin');
    const first = cluster.nodes[0]!.url;
    const session = await new ApiClient({ server: first }).post<SignInResponse>(
      '/api/auth/sign-in',
      admin,
    );
    const report = await runLoad({
      participants: 9,
      e2ee: true,
      durationMs: 2_000,
      senders: 3,
      workers: 1,
      remote: new ApiClient({ server: first, token: session.token }),
      servers: cluster.nodes.map((node) => node.url),
      progress: new ProgressBar(process.stderr, false),
    });
    expect(report.admitted).toBe(9);
    expect(report.securityCodesAgree).toBe(true);
    expect(report.decrypting).toBe(9);
    expect(report.epochs.min).toBe(report.epochs.max);
    // Every node carried some of the run.
    for (const node of cluster.usage()) expect(node.cpuMs).toBeGreaterThan(0);
  }, 180_000);
});
