// §5: who may join an E2EE meeting, checked in order; the first failure blocks the join.
import { alwaysBlockedPlatforms } from './defaults.ts';
import { platformNames } from './display.ts';
import { makeReason } from './reasons.ts';
import type { ClientProblem, PostQuantumDemand } from './reasons.ts';
import { isUnderComplianceRecording } from './resolve.ts';
import { meetsMinimum } from './semver.ts';
import type {
  ClientFacts,
  JoinDecision,
  OrgFacts,
  Platform,
  Reason,
  TenantE2eeSettings,
} from './types.ts';

export function decideJoin(
  facts: OrgFacts,
  meeting: {
    endToEndEncryption: boolean;
    /** What requires the meeting's post-quantum suite; absent for the classic suite. */
    postQuantum?: PostQuantumDemand | undefined;
  },
  userId: string,
  client: ClientFacts,
  admittedCount: number,
): JoinDecision {
  if (!meeting.endToEndEncryption) return { outcome: 'admitted', reasons: [] };
  const blocked = (reason: Reason): JoinDecision => ({ outcome: 'blocked', reasons: [reason] });

  if (isUnderComplianceRecording(facts, userId)) {
    return blocked(
      makeReason({ code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE', subject: 'participant' }, 'error'),
    );
  }
  const settings = facts.tenant.e2ee;
  const problem = clientProblem(settings, client);
  if (problem) {
    return blocked(
      makeReason(
        {
          code: 'CLIENT_NOT_SUPPORTED',
          platform: client.platform,
          version: client.version,
          problem,
          remedies: remediesFor(settings, client.platform, problem),
        },
        'error',
      ),
    );
  }
  // After the client checks: an app that cannot do E2EE at all hears that first. Never a
  // downgrade to the classic suite: the join is blocked with what requires the suite.
  if (meeting.postQuantum !== undefined && client.postQuantum !== true) {
    return blocked(
      makeReason(
        {
          code: 'POST_QUANTUM_REQUIRED',
          requiredBy: meeting.postQuantum,
          situation: 'client-cannot',
        },
        'error',
      ),
    );
  }
  if (admittedCount >= settings.maxParticipants) {
    return blocked(
      makeReason({ code: 'MEETING_FULL', maxParticipants: settings.maxParticipants }, 'error'),
    );
  }
  return { outcome: 'admitted', reasons: [] };
}

/** The tenant's blocked platforms; the always-blocked ones cannot be unblocked (§5 "block more"). */
export function blockedPlatforms(settings: TenantE2eeSettings): Set<Platform> {
  return new Set([...alwaysBlockedPlatforms, ...settings.clients.blocked]);
}

function clientProblem(
  settings: TenantE2eeSettings,
  client: ClientFacts,
): ClientProblem | undefined {
  if (blockedPlatforms(settings).has(client.platform)) {
    return { kind: 'blocked', byTenant: !alwaysBlockedPlatforms.includes(client.platform) };
  }
  if (client.e2eeMedia === false) return { kind: 'no-e2ee-media' };
  const minimum = settings.clients.minVersion[client.platform];
  if (minimum !== undefined && !meetsMinimum(client.version, minimum)) {
    return { kind: 'too-old', minimum };
  }
  return undefined;
}

const appPlatforms: readonly Platform[] = ['windows', 'macos', 'linux', 'ios', 'android'];

/** What would work instead, best first: the same platform fixed, other apps, a browser. */
function remediesFor(
  settings: TenantE2eeSettings,
  platform: Platform,
  problem: ClientProblem,
): string[] {
  const blocked = blockedPlatforms(settings);
  const minimum = (p: Platform): string | undefined => settings.clients.minVersion[p];
  const remedies: string[] = [];

  if (problem.kind !== 'blocked') {
    const floor = minimum(platform);
    const name = platformNames[platform];
    if (platform === 'web') {
      remedies.push(
        floor
          ? `a browser with Conclave ${floor} or later`
          : 'a browser that supports end-to-end encrypted media',
      );
    } else {
      remedies.push(
        floor
          ? `${name} ${floor} or later`
          : `a version of ${name} that supports end-to-end encrypted media`,
      );
    }
  } else {
    const apps = appPlatforms.filter((p) => p !== platform && !blocked.has(p));
    if (apps.length > 0) {
      const names = apps.map((p) => platformNames[p].replace('Conclave for ', ''));
      const last = names.pop();
      remedies.push(
        `the Conclave app for ${names.length > 0 ? `${names.join(', ')} or ${last}` : last}`,
      );
    }
  }
  if (platform !== 'web' && !blocked.has('web')) {
    const floor = minimum('web');
    remedies.push(floor ? `a browser (Conclave ${floor} or later)` : 'a browser');
  }
  return remedies;
}
