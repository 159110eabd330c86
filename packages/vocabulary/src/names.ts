// The words a help desk reads out for each enum value, so every message names things the way the
// admin center shows them.
import type { E2eeSetting, IncompatibleOption, MeetingType, Platform } from './words.ts';

export const optionNames: Record<IncompatibleOption, string> = {
  breakoutRooms: 'Breakout rooms',
  copilot: 'Copilot',
  excelLive: 'Excel Live',
  liveCaptions: 'Live captions',
  transcription: 'Transcription',
  dialIn: 'Dial-in by phone',
  powerPointLive: 'PowerPoint Live',
  recording: 'Recording',
  requestControl: 'Request control',
  togetherMode: 'Together mode',
  companionMode: 'Companion mode',
  largeGallery: 'Large gallery view',
};

export const platformNames: Record<Platform, string> = {
  windows: 'Conclave for Windows',
  macos: 'Conclave for macOS',
  linux: 'Conclave for Linux',
  ios: 'Conclave for iOS',
  android: 'Conclave for Android',
  web: 'Conclave in a browser',
  vdi: 'Conclave in a virtual desktop (VDI)',
  cvi: 'a third-party room system (CVI)',
  phone: 'phone dial-in',
};

export const meetingTypeNames: Record<MeetingType, { one: string; many: string }> = {
  meeting: { one: 'meeting', many: 'meetings' },
  channelMeeting: { one: 'channel meeting', many: 'channel meetings' },
  webinar: { one: 'webinar', many: 'webinars' },
  townHall: { one: 'town hall', many: 'town halls' },
};

/** As the admin center shows the two settings (§1). */
export const settingNames: Record<E2eeSetting, string> = {
  Disabled: 'Not enabled',
  DisabledUserOverride: 'Not enabled, but users can enable',
};
