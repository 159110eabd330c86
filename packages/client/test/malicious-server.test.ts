// A server that lies about who may enter (spec/e2ee.md invariant 10). This file runs a test build
// of the real server whose admission gate and admission statements the test controls — the
// server's own signing key proposes every Add, over the real delivery service — and for each
// attack checks what honest members do: refuse the Add, raise the alarm, never let the injected
// member hold keys or decrypt a frame. The server also audits the members' reports.
import {
  createDevice,
  createMlsCrypto,
  decodeAdmission,
  encodeAdmission,
  signAdmission,
  type AdmissionStatement,
} from '@conclave/crypto/member';
import { describe, expect, it, vi } from 'vitest';
import type * as RealCallAdmissions from '../../../apps/server/src/governance/call-admissions.ts';
import type * as RealAdmissions from '../../../apps/server/src/governance/signed-admissions.ts';
import type * as RealCalls from '../../../apps/server/src/storage/repos/calls.ts';
import { fromBase64, toBase64 } from '../src/bytes.ts';
import type { Meeting, SecurityAlarm } from '../src/index.ts';
import { until } from './support/people.ts';
import { api, realServerForFile, type RealPerson } from './support/real-server.ts';

/** What the lying server adds to the truth: people it lets in, statements it hands to members. */
const lies = vi.hoisted(() => ({
  ghosts: new Set<string>(),
  statements: [] as { statement: string; signature: string }[],
  /** Calls whose callee the server names as someone else, by call id. */
  callees: new Map<string, string>(),
}));

vi.mock('../../../apps/server/src/governance/call-admissions.ts', async (importOriginal) => {
  const real = await importOriginal<typeof RealCallAdmissions>();
  return {
    ...real,
    callAdmits: (...args: Parameters<typeof real.callAdmits>) =>
      lies.ghosts.has(args[2]) || real.callAdmits(...args),
  };
});

vi.mock('../../../apps/server/src/storage/repos/calls.ts', async (importOriginal) => {
  const real = await importOriginal<typeof RealCalls>();
  return {
    ...real,
    callsRepo: (...args: Parameters<typeof real.callsRepo>) => {
      const repo = real.callsRepo(...args);
      return {
        ...repo,
        get: async (...at: Parameters<typeof repo.get>) => {
          const call = await repo.get(...at);
          const callee = call === undefined ? undefined : lies.callees.get(call.id);
          return call === undefined || callee === undefined ? call : { ...call, callee };
        },
      };
    },
  };
});

vi.mock('../../../apps/server/src/governance/signed-admissions.ts', async (importOriginal) => {
  const real = await importOriginal<typeof RealAdmissions>();
  return {
    ...real,
    coverageOf: async (...args: Parameters<typeof real.coverageOf>) => {
      const truth = await real.coverageOf(...args);
      return {
        ...truth,
        users: new Set([...truth.users, ...lies.ghosts]),
        listed: new Set([...truth.listed, ...lies.ghosts]),
      };
    },
    signedStatements: async (...args: Parameters<typeof real.signedStatements>) => [
      ...(await real.signedStatements(...args)),
      ...lies.statements,
    ],
  };
});

const world = realServerForFile();

interface Scene {
  readonly meetingId: string;
  readonly members: Meeting[];
  readonly alarms: SecurityAlarm[][];
  readonly mallory: RealPerson;
  readonly dave: RealPerson;
}

/** Dave organizes, Alice is invited (Dave's device signed it); both in; Mallory is no one's. */
async function scene(): Promise<Scene> {
  lies.ghosts.clear();
  lies.statements.length = 0;
  lies.callees.clear();
  const [dave, alice, mallory] = await world.people('dave', 'alice', 'mallory');
  const { meeting } = await api<{ meeting: { id: string } }>(
    world.server,
    dave!.token,
    'POST',
    '/api/meetings',
    { subject: 'Board', options: { endToEndEncryption: true }, invitees: [alice!.userId] },
  );
  await dave!.client.admissions.setInvitees(meeting.id, [alice!.userId]);
  await api(world.server, dave!.token, 'POST', `/api/meetings/${meeting.id}/start`);
  const members = [await dave!.client.join(meeting.id), await alice!.client.join(meeting.id)];
  await until(members, () => members.every((m) => m.roster.length === 2), 15_000, 'both in');
  const alarms = members.map(() => [] as SecurityAlarm[]);
  members.forEach((m, i) => m.on('alarm', (alarm) => alarms[i]!.push(alarm)));
  return { meetingId: meeting.id, members, alarms, mallory: mallory!, dave: dave! };
}

/**
 * Mallory joins while the server lies: every honest member raises the alarm naming her, she is
 * turned away without a Welcome, never decrypts a frame, and the group is Dave and Alice on one
 * epoch with one security code.
 */
async function refusedEverywhere(s: Scene): Promise<void> {
  const mallory = s.mallory.client.meeting(s.meetingId, { timeoutMs: 20_000 });
  let decrypted = 0;
  mallory.on('frame', () => decrypted++);
  const joining = mallory.join().then(
    () => 'joined',
    (e: { code?: string }) => e.code ?? 'failed',
  );
  await until(s.members, () => s.alarms.every((a) => a.length > 0), 20_000, 'alarms');
  for (const alarms of s.alarms) {
    expect(alarms[0]).toMatchObject({ kind: 'unadmitted-add' });
    expect(alarms[0]!.identity?.userId).toBe(s.mallory.userId);
    expect(alarms[0]!.message).toMatch(
      /^The server tried to add a participant no organizer admitted/,
    );
  }
  const timer = setInterval(() => {
    for (const m of s.members) m.publish('audio', Uint8Array.of(1, 2, 3)).catch(() => undefined);
  }, 40);
  try {
    expect(await joining).not.toBe('joined');
    expect(mallory.epoch).toBeUndefined();
    expect(decrypted).toBe(0);
  } finally {
    clearInterval(timer);
    mallory.close();
  }
  await until(
    s.members,
    () =>
      s.members.every((m) => m.roster.length === 2) &&
      s.members[0]!.securityCode === s.members[1]!.securityCode,
    15_000,
    'dave and alice agree, without mallory',
  );
  const userIds = s.members[0]!.roster.map((member) => member.userId);
  expect(userIds).not.toContain(s.mallory.userId);
}

/** Dave's real statement for this meeting, as the server keeps it. */
async function davesList(s: Scene): Promise<{ statement: string; signature: string }> {
  const list = await api<{ signed: { statement: string; signature: string }[] }>(
    world.server,
    s.dave.token,
    'GET',
    `/api/directory/admissions/${s.meetingId}`,
  );
  return list.signed[0]!;
}

describe('a server that adds someone no organizer admitted', () => {
  it('injects an Add of its own choosing: refused by everyone, alarmed, audited', async () => {
    const s = await scene();
    lies.ghosts.add(s.mallory.userId);
    await refusedEverywhere(s);
    // The members' reports are gathered for a moment, then audited once.
    const audited = async () =>
      (
        await api<{ entries: { subject: string }[] }>(
          world.server,
          world.server.adminToken,
          'GET',
          '/api/admin/audit?kind=meeting.unadmitted_add_refused&limit=200',
        )
      ).entries.filter((e) => e.subject === `meeting:${s.meetingId}`).length;
    await expect.poll(audited, { timeout: 10_000 }).toBe(1);
  });

  it("replays the organizer's admission from another meeting", async () => {
    const s = await scene();
    const { meeting: other } = await api<{ meeting: { id: string } }>(
      world.server,
      s.dave.token,
      'POST',
      '/api/meetings',
      { subject: 'Another', options: { endToEndEncryption: true }, invitees: [s.mallory.userId] },
    );
    await s.dave.client.admissions.setInvitees(other.id, [s.mallory.userId]);
    const replayed = await api<{ signed: { statement: string; signature: string }[] }>(
      world.server,
      s.dave.token,
      'GET',
      `/api/directory/admissions/${other.id}`,
    );
    lies.statements.push(...replayed.signed);
    lies.ghosts.add(s.mallory.userId);
    await refusedEverywhere(s);
  });

  it("swaps the admitted user in the organizer's signed list", async () => {
    const s = await scene();
    const real = await davesList(s);
    const statement = decodeAdmission(fromBase64(real.statement)!);
    const swapped: AdmissionStatement = {
      ...statement,
      sequence: statement.sequence + 1,
      users: [s.mallory.userId],
    };
    lies.statements.push({
      statement: toBase64(encodeAdmission(swapped)),
      signature: real.signature,
    });
    lies.ghosts.add(s.mallory.userId);
    await refusedEverywhere(s);
  });

  it("forges the organizer's signature with a key of its own", async () => {
    const s = await scene();
    const crypto = await createMlsCrypto();
    const forger = await createDevice(crypto, s.dave.client.device.identity);
    const forged = await signAdmission(crypto, forger.keyPair.privateKey, {
      kind: 'lobby',
      tenantId: s.dave.client.user.tenantId,
      meetingId: s.meetingId,
      signer: s.dave.client.device.identity,
      sequence: 0,
      issuedAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
      users: [s.mallory.userId],
      coOrganizers: [],
    });
    lies.statements.push({
      statement: toBase64(forged.statement),
      signature: toBase64(forged.signature),
    });
    lies.ghosts.add(s.mallory.userId);
    await refusedEverywhere(s);
  });

  it('lets in someone the organizer turned away from the lobby', async () => {
    const s = await scene();
    const waiting = s.mallory.client.meeting(s.meetingId);
    const inLobby = new Promise((resolve) => waiting.once('lobby', resolve));
    const join = waiting.join().catch(() => undefined);
    await inLobby;
    await api(
      world.server,
      s.dave.token,
      'POST',
      `/api/meetings/${s.meetingId}/lobby/${s.mallory.userId}/deny`,
    );
    await join;
    waiting.close();
    lies.ghosts.add(s.mallory.userId);
    await refusedEverywhere(s);
  });
});

describe('a server that lies about the two sides of a 1:1 E2EE call', () => {
  it('names someone else as the callee and lets them in: the caller refuses and alarms', async () => {
    lies.ghosts.clear();
    lies.callees.clear();
    const [dave, alice, mallory] = await world.people('dave', 'alice', 'mallory');
    // Everyone's policy allows E2EE calls; Dave and Alice turn them on.
    const admin = world.server.adminToken;
    await api(world.server, admin, 'POST', '/api/admin/encryption-policies', {
      name: 'CallsAllowed',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'DisabledUserOverride',
    });
    await api(world.server, admin, 'POST', '/api/admin/encryption-policy-assignments', {
      policy: 'CallsAllowed',
      global: true,
    });
    for (const person of [dave!, alice!])
      await api(world.server, person.token, 'PATCH', '/api/me/settings', { e2eeCalls: true });
    const { call } = await api<{ call: { id: string; endToEndEncryption: { enabled: boolean } } }>(
      world.server,
      dave!.token,
      'POST',
      '/api/calls',
      { callee: alice!.userId },
    );
    expect(call.endToEndEncryption.enabled).toBe(true);
    await dave!.client.admissions.admitCallee(call.id, alice!.userId);
    const caller = await dave!.client.join(call.id);
    const alarms: SecurityAlarm[] = [];
    caller.on('alarm', (alarm) => alarms.push(alarm));

    // From now on the server says Dave called Mallory, and lets her in.
    lies.callees.set(call.id, mallory!.userId);
    lies.ghosts.add(mallory!.userId);
    const ghost = mallory!.client.meeting(call.id, { timeoutMs: 20_000 });
    let decrypted = 0;
    ghost.on('frame', () => decrypted++);
    const joining = ghost.join().then(
      () => 'joined',
      (e: { code?: string }) => e.code ?? 'failed',
    );
    await until([caller], () => alarms.length > 0, 20_000, 'the caller alarms');
    expect(alarms[0]).toMatchObject({ kind: 'unadmitted-add' });
    expect(alarms[0]!.identity?.userId).toBe(mallory!.userId);
    const timer = setInterval(() => {
      caller.publish('audio', Uint8Array.of(1, 2, 3)).catch(() => undefined);
    }, 40);
    try {
      expect(await joining).not.toBe('joined');
      expect(ghost.epoch).toBeUndefined();
      expect(decrypted).toBe(0);
    } finally {
      clearInterval(timer);
      ghost.close();
    }
    expect(caller.roster.map((member) => member.userId)).toEqual([dave!.userId]);
    caller.close();
  });
});
