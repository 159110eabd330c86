// Every top-level command registers itself here. One file per command group.
import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerAuthCommands } from './auth.ts';
import { registerBackupCommands } from './backup.ts';
import { registerCallCommand } from './call.ts';
import { registerComplianceCommands } from './compliance.ts';
import { registerDeviceCommands } from './device.ts';
import { registerGroupCommands } from './group.ts';
import { registerJoinCommand } from './join.ts';
import { registerLabelCommands } from './label.ts';
import { registerLoadCommand } from './load.ts';
import { registerMeetingCommands } from './meeting.ts';
import { registerPasswordCommands } from './password.ts';
import { registerPolicyCommands } from './policy.ts';
import { registerPolicyExplainCommand } from './policy-explain.ts';
import { registerPolicyWhatIfCommand } from './policy-what-if.ts';
import { registerServerCommands } from './server.ts';
import { registerTemplateCommands } from './template.ts';
import { registerTenantCommands } from './tenant.ts';
import { registerUserCommands } from './user.ts';

export function registerCommands(program: Command): void {
  registerServerCommands(program);
  registerBackupCommands(program);
  registerAuthCommands(program);
  registerPasswordCommands(program);
  // `policy` is shared: the server-side commands here, the offline `policy explain` beside them.
  const policy = program
    .command('policy')
    .description(
      'Enhanced encryption policies: manage them, ask what-if of the organization, or explain scenarios offline',
    );
  registerPolicyCommands(policy);
  registerPolicyExplainCommand(policy);
  registerPolicyWhatIfCommand(policy);
  registerTemplateCommands(program);
  registerLabelCommands(program);
  registerComplianceCommands(program);
  registerUserCommands(program);
  registerGroupCommands(program);
  registerTenantCommands(program);
  registerAuditCommand(program);
  registerMeetingCommands(program);
  registerCallCommand(program);
  registerJoinCommand(program);
  registerDeviceCommands(program);
  registerLoadCommand(program);
}
