// What a device's verification code (shown as a QR code) says: "I am this device, my key's
// fingerprint is this, and I see your device with this fingerprint". The person scanning it checks
// both halves: that the device they are verifying has the key they pinned, and that the shower
// sees their own device's key — so one scan checks both directions, as comparing two fingerprints
// side by side does. Public data only (fingerprints and ids). One encoding: JSON with fixed keys.
import type { MemberIdentity } from '@conclave/crypto/member';
import { ClientError } from '../errors.ts';

export const VERIFICATION_CODE_VERSION = 1;
const TAG = 'conclave-verify';
/** Well above any real code (two ids of each kind and two fingerprints); bounds what is parsed. */
const MAX_CODE_LENGTH = 2_048;

/** A device and the fingerprint of its key, as one side sees it. */
export interface DeviceKeyView {
  readonly userId: string;
  readonly deviceId: string;
  /** 60 digits (spaces between groups are not part of it). */
  readonly fingerprint: string;
}

export interface VerificationCode {
  /** The device showing the code, and its own key. */
  readonly device: DeviceKeyView;
  /** The device the code is shown for, with the key the shower pinned for it. */
  readonly sees?: DeviceKeyView;
}

/** A fingerprint's digits only: `12345 67890 …` and `1234567890…` are the same fingerprint. */
export function fingerprintDigits(fingerprint: string): string {
  const digits = fingerprint.replace(/\s+/gu, '');
  if (!/^[0-9]{60}$/u.test(digits)) throw new ClientError('invalid_argument');
  return digits;
}

/** The fingerprint as people read it aloud: 12 groups of 5 digits, in 3 lines of 4. */
export function fingerprintLines(fingerprint: string): string[] {
  const groups = fingerprintDigits(fingerprint).match(/[0-9]{5}/gu) ?? [];
  return [0, 4, 8].map((start) => groups.slice(start, start + 4).join(' '));
}

export function encodeVerificationCode(code: VerificationCode): string {
  const view = (v: DeviceKeyView) => ({
    user: v.userId,
    device: v.deviceId,
    fingerprint: fingerprintDigits(v.fingerprint),
  });
  return JSON.stringify({
    [TAG]: VERIFICATION_CODE_VERSION,
    ...view(code.device),
    ...(code.sees === undefined ? {} : { sees: view(code.sees) }),
  });
}

/** Reads a scanned code; throws ClientError `invalid_argument` for anything else. */
export function decodeVerificationCode(text: string): VerificationCode {
  if (text.length > MAX_CODE_LENGTH) throw new ClientError('invalid_argument');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ClientError('invalid_argument', { cause });
  }
  if (!isRecord(value) || value[TAG] !== VERIFICATION_CODE_VERSION)
    throw new ClientError('invalid_argument');
  const device = viewOf(value);
  if (value.sees === undefined) return { device };
  if (!isRecord(value.sees)) throw new ClientError('invalid_argument');
  return { device, sees: viewOf(value.sees) };
}

/** Whether the view names this device. */
export function namesDevice(view: DeviceKeyView, identity: Omit<MemberIdentity, 'tenantId'>) {
  return view.userId === identity.userId && view.deviceId === identity.deviceId;
}

function viewOf(value: Record<string, unknown>): DeviceKeyView {
  const { user, device, fingerprint } = value;
  if (typeof user !== 'string' || typeof device !== 'string' || typeof fingerprint !== 'string')
    throw new ClientError('invalid_argument');
  if (user.length === 0 || device.length === 0) throw new ClientError('invalid_argument');
  return { userId: user, deviceId: device, fingerprint: fingerprintDigits(fingerprint) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
