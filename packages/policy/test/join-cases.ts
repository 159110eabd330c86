// §5 as a table: who may join an E2EE meeting, checked in order, the first failure deciding.
import type { ClientFacts, OrgFacts, ReasonCode } from '../src/index.ts';
import { defaultTenantE2eeSettings } from '../src/index.ts';
import { ids, org } from './org.ts';

export interface JoinCase {
  name: string;
  facts?: OrgFacts;
  e2ee?: boolean;
  user?: string;
  client: ClientFacts;
  admitted?: number;
  outcome: 'admitted' | 'blocked';
  code?: ReasonCode;
  /** Words the message must contain: the platform and what would work. */
  says?: string[];
}

const windowsFloor = org({
  tenant: {
    e2ee: {
      ...defaultTenantE2eeSettings(),
      maxParticipants: 3,
      clients: { blocked: [], minVersion: { windows: '1.4.0', web: '2.0.0' } },
    },
  },
});
/** The Teams-identical profile: the browser is blocked too. */
const teamsProfile = org({
  tenant: {
    e2ee: {
      ...defaultTenantE2eeSettings(),
      clients: { blocked: ['vdi', 'cvi', 'phone', 'web'], minVersion: {} },
    },
  },
});
const windows = (version: string): ClientFacts => ({ platform: 'windows', version });

export const joinCases: JoinCase[] = [
  { name: 'an up-to-date desktop client', client: windows('1.0.0'), outcome: 'admitted' },
  { name: 'a browser', client: { platform: 'web', version: '1.0.0' }, outcome: 'admitted' },
  {
    name: 'a participant under compliance recording',
    user: ids.carol,
    client: windows('9.0.0'),
    outcome: 'blocked',
    code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE',
    says: ['compliance recording'],
  },
  {
    name: 'compliance recording is checked before the client',
    user: ids.carol,
    client: { platform: 'phone', version: '1.0.0' },
    outcome: 'blocked',
    code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE',
  },
  {
    name: 'phone dial-in',
    client: { platform: 'phone', version: '1.0.0' },
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: ['Phone dial-in', 'Windows', 'a browser'],
  },
  {
    name: 'a VDI client',
    client: { platform: 'vdi', version: '5.0.0' },
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: ['VDI'],
  },
  {
    name: 'a room system, even if the tenant lists no blocked platform',
    facts: windowsFloor,
    client: { platform: 'cvi', version: '5.0.0' },
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: ['room system'],
  },
  {
    name: 'a client that cannot do E2EE media',
    client: { platform: 'android', version: '3.0.0', e2eeMedia: false },
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: ['Android', 'a browser'],
  },
  {
    name: 'below the minimum version',
    facts: windowsFloor,
    client: windows('1.3.9'),
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: [
      'Conclave for Windows 1.3.9',
      'Conclave for Windows 1.4.0 or later, or a browser (Conclave 2.0.0 or later)',
    ],
  },
  {
    name: 'a pre-release of the minimum version is below it',
    facts: windowsFloor,
    client: windows('1.4.0-beta.3'),
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
  },
  {
    name: 'exactly the minimum',
    facts: windowsFloor,
    client: windows('1.4.0'),
    outcome: 'admitted',
  },
  {
    name: 'versions compare as numbers, not text',
    facts: windowsFloor,
    client: windows('1.10.0'),
    outcome: 'admitted',
  },
  {
    name: 'build metadata does not matter',
    facts: windowsFloor,
    client: windows('1.4.0+build.7'),
    outcome: 'admitted',
  },
  {
    name: 'an unreadable version never meets a minimum',
    facts: windowsFloor,
    client: windows('latest'),
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
  },
  {
    name: 'a minimum for another platform does not apply',
    facts: windowsFloor,
    client: { platform: 'macos', version: '0.1.0' },
    outcome: 'admitted',
  },
  {
    name: 'the browser under the Teams-identical profile',
    facts: teamsProfile,
    client: { platform: 'web', version: '9.9.9' },
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
    says: [
      'This organization does not allow Conclave in a browser',
      'the Conclave app for Windows, macOS, Linux, iOS or Android',
    ],
  },
  {
    name: 'the meeting is full',
    facts: windowsFloor,
    client: windows('2.0.0'),
    admitted: 3,
    outcome: 'blocked',
    code: 'MEETING_FULL',
    says: ['3 participants'],
  },
  {
    name: 'the last seat',
    facts: windowsFloor,
    client: windows('2.0.0'),
    admitted: 2,
    outcome: 'admitted',
  },
  {
    name: 'an unsupported client is told so even when the meeting is full',
    facts: windowsFloor,
    client: windows('1.0.0'),
    admitted: 3,
    outcome: 'blocked',
    code: 'CLIENT_NOT_SUPPORTED',
  },
  {
    name: 'a non-E2EE meeting is not limited by §5',
    e2ee: false,
    user: ids.carol,
    client: { platform: 'phone', version: '0.0.1', e2eeMedia: false },
    admitted: 100_000,
    outcome: 'admitted',
  },
];
