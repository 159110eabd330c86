// A 200-person meeting built the way a join storm is handled: the server proposes 199 Adds, one
// member commits them all at once, and the joiners process the one Welcome. The joiners who
// process it are spread over the whole tree (every 8th leaf and the last): each Welcome join of a
// 200-leaf tree costs ~0.1 s on this 2-core machine, so all 199 would dominate the unit suite.
// Set CONCLAVE_FULL_SCENARIOS=1 to have every joiner process it.
import { expect, it } from 'vitest';
import {
  commitPending,
  generateKeyPackage,
  joinFromWelcome,
  members,
  securityCode,
} from '../../src/member.ts';
import { deliver, startMeeting, World } from '../mls/world.ts';

const N = 200;
const everyone = process.env.CONCLAVE_FULL_SCENARIOS === '1';

it(`a ${N}-member group built with one batched commit agrees on one security code`, async () => {
  const world = await World.create();
  const people = await Promise.all(Array.from({ length: N }, (_, i) => world.participant(`p${i}`)));
  const [host, ...joiners] = people;
  await startMeeting(world, host!);
  const bundles = await Promise.all(joiners.map((j) => generateKeyPackage(world.crypto, j.device)));
  for (const bundle of bundles) {
    const [r] = await deliver([host!], await world.proposeAdd(host!.state!, bundle.publicBytes));
    expect(r?.kind).toBe('proposal_pending');
  }
  let t = performance.now();
  const commit = await commitPending(host!.ctx, host!.state!);
  const commitMs = performance.now() - t;
  if (commit.kind !== 'commit' || commit.welcome === undefined)
    throw new Error('expected a commit with a Welcome');
  expect(commit.added).toHaveLength(N - 1);
  host!.state = commit.state;

  t = performance.now();
  const joinTimes: number[] = [];
  const joining = joiners.filter((_, i) => everyone || i % 8 === 7 || i === joiners.length - 1);
  expect(joining.length).toBeGreaterThanOrEqual(25);
  for (const joiner of joining) {
    const i = joiners.indexOf(joiner);
    const start = performance.now();
    const joined = await joinFromWelcome(
      joiner.ctx,
      commit.welcome,
      joiner.device,
      bundles[i]!.privateBytes,
    );
    joinTimes.push(performance.now() - start);
    if (joined.kind !== 'joined') throw new Error(`join refused: ${joined.reason}`);
    joiner.state = joined.state;
  }
  joinTimes.sort((a, b) => a - b);
  console.info(
    `N=${N}: batched add commit ${commitMs.toFixed(0)} ms; Welcome join median ${joinTimes[joinTimes.length >> 1]!.toFixed(0)} ms, max ${joinTimes.at(-1)!.toFixed(0)} ms; ${joining.length} joins ${(performance.now() - t).toFixed(0)} ms`,
  );

  const code = securityCode(host!.state);
  const roster = members(host!.state).map((m) => `${m.leafIndex}:${m.fingerprint}`);
  expect(roster).toHaveLength(N);
  for (const p of [host!, ...joining]) {
    expect(securityCode(p.state!)).toBe(code);
    expect(members(p.state!).map((m) => `${m.leafIndex}:${m.fingerprint}`)).toEqual(roster);
  }
}, 120_000);
