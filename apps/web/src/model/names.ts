// Words the UI shows for enum values. The shared vocabulary owns them, so the admin center, the
// CLI and the help-desk sentences all name things the same way.
import { meetingTypeNames, optionNames, platformNames, settingNames } from '@conclave/vocabulary';
import type { E2eeSetting, IncompatibleOption, MeetingType, Platform } from '@conclave/vocabulary';

export { optionNames, platformNames, settingNames };

export function optionName(option: IncompatibleOption): string {
  return optionNames[option];
}

export function meetingTypeName(type: MeetingType): string {
  const word = meetingTypeNames[type].one;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function settingName(setting: E2eeSetting): string {
  return settingNames[setting];
}

/** Short platform names for checkbox lists, where "Conclave for …" would only repeat itself. */
export const platformShortNames: Record<Platform, string> = {
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  ios: 'iOS',
  android: 'Android',
  web: 'Web browser',
  vdi: 'Virtual desktop (VDI)',
  cvi: 'Third-party room system (CVI)',
  phone: 'Phone dial-in',
};

export const meetingStateNames: Record<'scheduled' | 'started' | 'ended', string> = {
  scheduled: 'Scheduled',
  started: 'In progress',
  ended: 'Ended',
};
