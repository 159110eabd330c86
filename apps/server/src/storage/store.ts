// The one storage interface the rest of the server uses: a repository per object, all scoped by
// tenant, over either driver. `transaction` hands the work a store whose statements share one
// transaction.
import { admissionsRepo } from './repos/admissions.ts';
import { assignmentsRepo } from './repos/assignments.ts';
import { auditRepo } from './repos/audit.ts';
import { callsRepo } from './repos/calls.ts';
import { labelsRepo, templatesRepo } from './repos/catalog.ts';
import { devicesRepo } from './repos/devices.ts';
import { groupsRepo } from './repos/groups.ts';
import { knownDevicesRepo } from './repos/known-devices.ts';
import { meetingsRepo } from './repos/meetings.ts';
import { compliancePoliciesRepo, encryptionPoliciesRepo } from './repos/policies.ts';
import { realtimeRepo } from './repos/realtime.ts';
import { meetingHostsRepo } from './repos/meeting-hosts.ts';
import { removalsRepo } from './repos/removals.ts';
import { sessionsRepo } from './repos/sessions.ts';
import { signedAdmissionsRepo } from './repos/signed-admissions.ts';
import { ssoRepo } from './repos/sso.ts';
import { tenantsRepo } from './repos/tenants.ts';
import { usersRepo } from './repos/users.ts';
import type { SqlDb } from './sql.ts';
import { conflict } from '../errors.ts';

export interface Store {
  readonly dialect: SqlDb['dialect'];
  tenants: ReturnType<typeof tenantsRepo>;
  users: ReturnType<typeof usersRepo>;
  groups: ReturnType<typeof groupsRepo>;
  sessions: ReturnType<typeof sessionsRepo>;
  devices: ReturnType<typeof devicesRepo>;
  /** Browsers and CLIs that signed in to an account before (identity/sign-in.ts). */
  knownDevices: ReturnType<typeof knownDevicesRepo>;
  encryptionPolicies: ReturnType<typeof encryptionPoliciesRepo>;
  encryptionAssignments: AssignmentsRepo;
  compliancePolicies: ReturnType<typeof compliancePoliciesRepo>;
  complianceAssignments: AssignmentsRepo;
  templates: ReturnType<typeof templatesRepo>;
  labels: ReturnType<typeof labelsRepo>;
  meetings: ReturnType<typeof meetingsRepo>;
  calls: ReturnType<typeof callsRepo>;
  audit: ReturnType<typeof auditRepo>;
  /** The realtime side's MLS delivery-service state (apps/server/src/realtime). */
  realtime: ReturnType<typeof realtimeRepo>;
  /** Users removed from a running meeting, who may not rejoin that run (apps/server/src/realtime). */
  removals: ReturnType<typeof removalsRepo>;
  /** Which cluster node hosts each live meeting (cluster/); unused by a single server. */
  meetingHosts: ReturnType<typeof meetingHostsRepo>;
  /** People admitted to a meeting besides its organizer and invitees (apps/server/src/realtime). */
  admissions: ReturnType<typeof admissionsRepo>;
  /** E2EE meetings: admissions signed on an organizer's device (governance/signed-admissions.ts). */
  signedAdmissions: ReturnType<typeof signedAdmissionsRepo>;
  /** Single sign-on: each tenant's OpenID provider, its domains, and linked identities. */
  sso: ReturnType<typeof ssoRepo>;
  /** Answers once the database does (a readiness probe); UNAVAILABLE when it cannot be reached. */
  ping(): Promise<void>;
  /** Runs `work` in one transaction over a store bound to it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type AssignmentsRepo = ReturnType<typeof assignmentsRepo>;

export function createStore(db: SqlDb): Store {
  return {
    dialect: db.dialect,
    tenants: tenantsRepo(db),
    users: usersRepo(db),
    groups: groupsRepo(db),
    sessions: sessionsRepo(db),
    devices: devicesRepo(db),
    knownDevices: knownDevicesRepo(db),
    encryptionPolicies: encryptionPoliciesRepo(db),
    encryptionAssignments: assignmentsRepo(db, 'encryption_policy_assignments'),
    compliancePolicies: compliancePoliciesRepo(db),
    complianceAssignments: assignmentsRepo(db, 'compliance_recording_assignments'),
    templates: templatesRepo(db),
    labels: labelsRepo(db),
    meetings: meetingsRepo(db),
    calls: callsRepo(db),
    audit: auditRepo(db),
    realtime: realtimeRepo(db),
    removals: removalsRepo(db),
    meetingHosts: meetingHostsRepo(db),
    admissions: admissionsRepo(db),
    signedAdmissions: signedAdmissionsRepo(db),
    sso: ssoRepo(db),
    async ping() {
      await db.get('SELECT 1');
    },
    async transaction(work) {
      try {
        return await db.transaction((tx) => work(createStore(tx)));
      } catch (error) {
        // Routes check for duplicates first; this covers the race of two concurrent requests.
        if (db.isUniqueViolation(error)) {
          throw conflict('Another request created the same object at the same time; try again.');
        }
        throw error;
      }
    },
    close: () => db.close(),
  };
}
