// /metrics over a real server: an E2EE meeting of real MLS members sending media, a refused join,
// then a scrape that shows what happened — and no identity, meeting id or title anywhere in it.
// The token guards the route (401 without it); the separate loopback port serves the same registry.
import { describe, expect, it } from 'vitest';
import { emailOf, startedMeeting } from '../realtime/support/deployment.ts';
import { deploymentForFile } from '../realtime/support/file-deployment.ts';
import { converged } from '../realtime/support/mls-client.ts';

const token = 'metrics-test-token-0123456789';
// startServer reads these when the deployment starts (beforeAll below runs after this line).
process.env.CONCLAVE_METRICS_TOKEN = token;
process.env.CONCLAVE_METRICS_PORT = '0';
const world = deploymentForFile({ batchWindowMs: 250 });

async function scrape(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${world.url}/metrics`, { headers });
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('refuses a scrape without the token, or with a wrong one', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('conclave_');
    const wrong = await scrape({ authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
  });

  it('shows an E2EE meeting, its joins, a refusal, epochs, commits and forwarded frames, without identities', async () => {
    const subject = 'Quarterly merger talks 7f3a';
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true, subject });
    const dave = await world.participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    const alice = await world.participant('alice');
    await alice.join(meetingId);
    await converged([dave, alice], 1n);
    // carol is under compliance recording: governance refuses her an E2EE meeting.
    const carol = await world.participant('carol');
    expect((await carol.join(meetingId)).type).toBe('join-blocked');

    alice.sendFrame(1);
    alice.sendFrame(2);
    await dave.socket.until(() => dave.socket.frames.length === 2);

    const reply = await scrape({ authorization: `Bearer ${token}` });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await reply.text();

    expect(sample(text, 'conclave_meetings{mode="e2ee"}')).toBe(1);
    expect(sample(text, 'conclave_meetings{mode="standard"}')).toBe(0);
    expect(sample(text, 'conclave_participants{mode="e2ee"}')).toBe(2);
    expect(sample(text, 'conclave_joins_total{mode="e2ee"}')).toBe(2);
    expect(
      sample(text, 'conclave_join_refusals_total{reason="COMPLIANCE_RECORDING_BLOCKS_E2EE"}'),
    ).toBe(1);
    expect(sample(text, 'conclave_join_latency_seconds_count')).toBe(2);
    expect(sample(text, 'conclave_mls_epochs_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'conclave_mls_commits_total{outcome="accepted"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'conclave_relay_frames_forwarded_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'conclave_relay_frames_dropped_total{reason="hard_limit"}')).toBe(0);
    expect(text).toMatch(
      /^conclave_store_operation_seconds_count\{operation="meetings\.\w+"\} \d+/m,
    );
    expect(sample(text, 'conclave_relay_queued_bytes_largest')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);

    // No identities, ids or titles anywhere in the output.
    const forbidden = [
      meetingId,
      subject,
      world.people.dave.tenantId,
      dave.deviceId,
      alice.deviceId,
      dave.participantId ?? 'no-participant-id',
      ...(['admin', 'alice', 'bob', 'carol', 'dave'] as const).flatMap((p) => [
        emailOf(p),
        world.people[p].userId,
      ]),
      'Dave Director',
      'Alice Finance',
      'Carol Legal',
    ];
    for (const needle of forbidden) expect(text).not.toContain(needle);
    for (const p of [dave, alice, carol]) p.leave();
  });

  it('serves the same registry on its own loopback port, without the token', async () => {
    const url = world.server.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const reply = await fetch(url ?? '');
    expect(reply.status).toBe(200);
    expect(await reply.text()).toMatch(/^conclave_joins_total\{mode="e2ee"\} \d+/m);
  });
});
