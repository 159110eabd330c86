// The enums every side of Conclave speaks: the governance spec's objects (§1), as the engine
// decides them, the wire carries them and the apps show them. Plain constant lists, so a new
// option or platform reaches the engine, the wire schemas and every client in one place.

/** Options that need the server to see media or content, so cannot exist in an E2EE meeting (§1). */
export const incompatibleOptions = [
  'breakoutRooms',
  'copilot',
  'excelLive',
  'liveCaptions',
  'transcription',
  'dialIn',
  'powerPointLive',
  'recording',
  'requestControl',
  'togetherMode',
  'companionMode',
  'largeGallery',
] as const;
export type IncompatibleOption = (typeof incompatibleOptions)[number];

export const meetingTypes = ['meeting', 'channelMeeting', 'webinar', 'townHall'] as const;
export type MeetingType = (typeof meetingTypes)[number];

export const platforms = [
  'windows',
  'macos',
  'linux',
  'ios',
  'android',
  'web',
  'vdi',
  'cvi',
  'phone',
] as const;
export type Platform = (typeof platforms)[number];

/** An encryption policy's meeting and calling settings (§1). */
export const e2eeSettings = ['Disabled', 'DisabledUserOverride'] as const;
export type E2eeSetting = (typeof e2eeSettings)[number];

export const userRoles = ['admin', 'user'] as const;
export type UserRole = (typeof userRoles)[number];

export const severities = ['error', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

/** What decided a meeting's E2EE state (§4): a label, a template, the organizer, or the default. */
export const e2eeSources = ['label', 'template', 'organizer', 'default'] as const;
export type E2eeSource = (typeof e2eeSources)[number];

export interface E2eeState {
  enabled: boolean;
  locked: boolean;
  source: E2eeSource;
  /**
   * Present when the meeting must run on the post-quantum suite (X-Wing hybrid MLS, SFrame
   * AES-256-GCM): what requires it. Absent: the classic suite. Never downgraded: a client that
   * cannot do it is kept out (POST_QUANTUM_REQUIRED).
   */
  postQuantum?: { source: PostQuantumSource };
}

/** What requires a meeting's post-quantum suite: the tenant's setting or the meeting's label. */
export const postQuantumSources = ['tenant', 'label'] as const;
export type PostQuantumSource = (typeof postQuantumSources)[number];
