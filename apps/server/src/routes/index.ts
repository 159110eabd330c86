// Every HTTP route group of the server, in the order they appear in /openapi.json.
import type { AppContext } from '../context.ts';
import type { Route } from '../http/route.ts';
import { auditRoutes } from './admin/audit.ts';
import { compliancePolicyRoutes } from './admin/compliance-policies.ts';
import { encryptionPolicyRoutes } from './admin/encryption-policies.ts';
import { governanceRoutes } from './admin/governance.ts';
import { groupRoutes } from './admin/groups.ts';
import { labelRoutes } from './admin/labels.ts';
import { templateRoutes } from './admin/templates.ts';
import { tenantRoutes } from './admin/tenant.ts';
import { userAccessRoutes } from './admin/user-access.ts';
import { userBulkRoutes } from './admin/user-bulk.ts';
import { userRoutes } from './admin/users.ts';
import { authRoutes } from './auth.ts';
import { callRoutes } from './calls.ts';
import { catalogRoutes } from './catalog.ts';
import { deviceRoutes } from './devices.ts';
import { healthRoutes } from './health.ts';
import { invitationRoutes } from './invitations.ts';
import { meRoutes } from './me.ts';
import { myPasswordRoutes } from './my-password.ts';
import { lobbyRoutes } from './lobby.ts';
import { meetingRoutes } from './meetings.ts';
import { participantRoutes } from './participants.ts';
import { ssoRoutes } from './sso.ts';

const groups: ((ctx: AppContext) => Route[])[] = [
  healthRoutes,
  authRoutes,
  ssoRoutes,
  meRoutes,
  myPasswordRoutes,
  deviceRoutes,
  catalogRoutes,
  meetingRoutes,
  invitationRoutes,
  participantRoutes,
  lobbyRoutes,
  callRoutes,
  tenantRoutes,
  userRoutes,
  userBulkRoutes,
  userAccessRoutes,
  groupRoutes,
  // Each policy type's routes, then its assignment routes.
  encryptionPolicyRoutes,
  compliancePolicyRoutes,
  templateRoutes,
  labelRoutes,
  governanceRoutes,
  auditRoutes,
];

export function allRoutes(ctx: AppContext): Route[] {
  return groups.flatMap((group) => group(ctx));
}
