// The scenario of the governance spec's §8, the What-if page's starting point. The spec's text
// mentions bob, carol and the group legal without declaring them, which §8 itself calls invalid
// (unknown user or group), so they are declared here; nothing else differs.
export const exampleScenario = {
  tenant: {
    e2ee: {
      maxParticipants: 200,
      clients: { blocked: ['vdi', 'cvi', 'phone'], minVersion: { windows: '1.4.0' } },
    },
  },
  users: [
    { id: 'alice', premium: true, groups: ['finance'], settings: { e2eeCalls: true } },
    { id: 'bob' },
    { id: 'carol', groups: ['legal'] },
  ],
  groups: [{ id: 'finance' }, { id: 'legal' }],
  policies: [
    {
      name: 'Global',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'Disabled',
    },
    {
      name: 'NoE2EE',
      meetingEndToEndEncryption: 'Disabled',
      callingEndToEndEncryption: 'Disabled',
    },
  ],
  assignments: [
    { policy: 'NoE2EE', user: 'bob' },
    { policy: 'NoE2EE', group: 'finance', rank: 1 },
    { policy: 'Global', global: true },
  ],
  complianceRecording: [{ user: 'carol' }, { group: 'legal' }],
  templates: [{ id: 'sensitive', options: { endToEndEncryption: { value: true, locked: true } } }],
  labels: [{ id: 'highly-confidential', meeting: { endToEndEncryption: 'apply' } }],
  meetings: [
    {
      id: 'm1',
      type: 'meeting',
      organizer: 'alice',
      template: 'sensitive',
      options: { recording: false },
    },
  ],
  joins: [{ meeting: 'm1', user: 'bob', client: { platform: 'web', version: '1.0.0' } }],
  calls: [{ id: 'c1', caller: 'alice', callee: 'bob' }],
};

export const exampleScenarioText = JSON.stringify(exampleScenario, null, 2);
