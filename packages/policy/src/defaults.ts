// Out-of-the-box settings (§1, §5). Functions, not constants, so no caller can mutate the defaults
// everyone else reads.
import type { EncryptionPolicy, Platform, TenantE2eeSettings } from './types.ts';

/**
 * Platforms that can never take part in an E2EE meeting: dial-in has no E2EE media at all, and
 * VDI and third-party room systems cannot hold the keys. A tenant may block more, never fewer.
 */
export const alwaysBlockedPlatforms: readonly Platform[] = ['vdi', 'cvi', 'phone'];

export const defaultMaxParticipants = 200;

export function defaultTenantE2eeSettings(): TenantE2eeSettings {
  return {
    maxParticipants: defaultMaxParticipants,
    clients: { blocked: [...alwaysBlockedPlatforms], minVersion: {} },
  };
}

export const globalPolicyName = 'Global';

export function builtInGlobalPolicy(): EncryptionPolicy {
  return {
    name: globalPolicyName,
    description: 'Built-in org-wide default',
    meetingEndToEndEncryption: 'DisabledUserOverride',
    callingEndToEndEncryption: 'Disabled',
  };
}
