// A demo organization to try the governance rules on: users with and without the licence, groups
// finance and legal, a NoE2EE policy on finance, compliance recording on legal, a "Sensitive"
// template that locks E2EE on and a "Highly confidential" label that applies it.
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Store } from '../storage/store.ts';
import { defaultAdminEmail, type Credentials } from './first-run.ts';
import type { ScryptCost } from './passwords.ts';
import { createTenant, createUser } from './provisioning.ts';

export interface DemoSignIn extends Credentials {
  displayName: string;
  /** What this user shows off. */
  note: string;
}

const people = [
  {
    key: 'admin',
    // The same address a fresh server's first admin has: the README's walk-through works on both.
    email: defaultAdminEmail,
    name: 'Ada Admin',
    role: 'admin',
    premium: true,
    note: 'admin of the demo organization',
  },
  {
    key: 'alice',
    name: 'Alice Finance',
    role: 'user',
    premium: true,
    note: 'premium, in finance (NoE2EE by group)',
  },
  { key: 'bob', name: 'Bob Basic', role: 'user', premium: false, note: 'no premium licence' },
  {
    key: 'carol',
    name: 'Carol Legal',
    role: 'user',
    premium: true,
    note: 'premium, in legal (compliance recording)',
  },
  {
    key: 'dave',
    name: 'Dave Director',
    role: 'user',
    premium: true,
    note: 'premium, org-wide policy: can hold E2EE meetings',
  },
] as const;

export const demoDomain = 'demo.conclave.local';

export async function seedDemo(deps: {
  store: Store;
  audit: AuditLog;
  now: () => number;
  cost: ScryptCost;
}): Promise<{ tenantId: string; signIns: DemoSignIn[] }> {
  const { store, now, cost } = deps;
  const tenant = await createTenant(store, 'Contoso (demo)', now());
  const tenantId = tenant.id;
  const signIns: DemoSignIn[] = [];
  const ids: Record<string, string> = {};
  for (const person of people) {
    const { user, generatedPassword } = await createUser(
      store,
      tenantId,
      {
        email: 'email' in person ? person.email : `${person.key}@${demoDomain}`,
        displayName: person.name,
        role: person.role,
        premium: person.premium,
        e2eeCalls: true,
      },
      { now: now(), cost },
    );
    ids[person.key] = user.id;
    signIns.push({
      email: user.email,
      password: generatedPassword ?? '',
      displayName: person.name,
      note: person.note,
    });
  }
  const id = (key: string) => ids[key] ?? '';

  await store.transaction(async (tx) => {
    const at = now();
    await tx.groups.create(tenantId, {
      id: 'finance',
      name: 'Finance',
      members: [id('alice')],
      createdAt: at,
    });
    await tx.groups.create(tenantId, {
      id: 'legal',
      name: 'Legal',
      members: [id('carol')],
      createdAt: at,
    });
    await tx.encryptionPolicies.create(
      tenantId,
      {
        name: 'NoE2EE',
        description: 'End-to-end encryption not enabled',
        meetingEndToEndEncryption: 'Disabled',
        callingEndToEndEncryption: 'Disabled',
      },
      at,
    );
    await tx.encryptionPolicies.create(
      tenantId,
      {
        name: 'E2EEEverywhere',
        description: 'Users can enable E2EE for meetings and calls',
        meetingEndToEndEncryption: 'DisabledUserOverride',
        callingEndToEndEncryption: 'DisabledUserOverride',
      },
      at,
    );
    await tx.encryptionAssignments.replace(tenantId, {
      id: randomUUID(),
      policy: 'NoE2EE',
      group: 'finance',
      rank: 1,
      createdAt: at,
    });
    await tx.encryptionAssignments.replace(tenantId, {
      id: randomUUID(),
      policy: 'E2EEEverywhere',
      global: true,
      createdAt: at,
    });
    await tx.compliancePolicies.create(tenantId, { name: 'LegalRecording', enabled: true }, at);
    await tx.complianceAssignments.replace(tenantId, {
      id: randomUUID(),
      policy: 'LegalRecording',
      group: 'legal',
      rank: 1,
      createdAt: at,
    });
    await tx.templates.create(
      tenantId,
      {
        id: 'sensitive',
        name: 'Sensitive',
        options: { endToEndEncryption: { value: true, locked: true } },
      },
      at,
    );
    await tx.templates.create(
      tenantId,
      {
        id: 'town-hall',
        name: 'Town hall',
        options: { recording: { value: true, locked: false } },
      },
      at,
    );
    await tx.labels.create(
      tenantId,
      {
        id: 'highly-confidential',
        name: 'Highly confidential',
        meeting: { endToEndEncryption: 'apply' },
      },
      at,
    );
    await tx.labels.create(
      tenantId,
      { id: 'general', name: 'General', meeting: { endToEndEncryption: 'dontApply' } },
      at,
    );
    await deps.audit.record(
      {
        tenantId,
        actor: null,
        kind: 'tenant.demo-seeded',
        subject: `tenant:${tenantId}`,
        details: { users: people.length },
      },
      tx,
    );
  });
  return { tenantId, signIns };
}
