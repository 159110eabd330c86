// Verifying another person's device, as this device does it: the fingerprint compared (read aloud
// side by side, or scanned from their verification code) must be the key this device pinned for
// theirs; then the device is marked verified here (./verified-devices.ts) and every open meeting's
// roster shows it. Nothing is sent to the server: what one person verified is theirs.
import { keyFingerprint, type MemberIdentity, type PinStore } from '@conclave/crypto/member';
import { ClientError } from '../errors.ts';
import {
  decodeVerificationCode,
  encodeVerificationCode,
  fingerprintDigits,
  namesDevice,
  type VerificationCode,
} from './verification-code.ts';
import type { VerifiedDevices } from './verified-devices.ts';

/** Another device, by user and device id; the tenant is this client's unless given. */
export type DeviceRef = Omit<MemberIdentity, 'tenantId'> & { readonly tenantId?: string };

/**
 * What a scanned verification code said. `verified`: it is the device's code, with the key this
 * device pinned for it, and it sees this device's own key — the device is now marked verified.
 * `other-device`: the code belongs to another device. `their-key-differs`: it carries a key other
 * than the one pinned for that device. `your-key-differs`: the other side sees another key for
 * this device (or shows it for another device). `not-a-code`: not a Conclave verification code.
 */
export type CodeCheck =
  | { readonly kind: 'verified' }
  | { readonly kind: 'other-device' }
  | { readonly kind: 'their-key-differs' }
  | { readonly kind: 'your-key-differs' }
  | { readonly kind: 'not-a-code' };

export class DeviceVerification {
  readonly #own: MemberIdentity;
  readonly #ownKey: Uint8Array;
  readonly #pins: PinStore;
  readonly #verified: VerifiedDevices;

  constructor(options: {
    readonly own: MemberIdentity;
    readonly ownKey: Uint8Array;
    readonly pins: PinStore;
    readonly verified: VerifiedDevices;
  }) {
    this.#own = options.own;
    this.#ownKey = options.ownKey;
    this.#pins = options.pins;
    this.#verified = options.verified;
  }

  /**
   * Marks `device` verified after its owner's fingerprint was compared with `fingerprint`. Rejects
   * with ClientError `fingerprint_mismatch` if that is not the key this device pinned for it (or it
   * pinned none: it never saw the device), `invalid_argument` for a malformed fingerprint or this
   * device itself.
   */
  async verify(device: DeviceRef, fingerprint: string): Promise<void> {
    const identity = this.#identity(device);
    const own = this.#own;
    if (identity.userId === own.userId && identity.deviceId === own.deviceId)
      throw new ClientError('invalid_argument');
    const digits = fingerprintDigits(fingerprint);
    const pinned = await this.#pins.get(identity);
    if (pinned === undefined || fingerprintDigits(keyFingerprint(pinned)) !== digits)
      throw new ClientError('fingerprint_mismatch');
    await this.#verified.mark(identity, pinned);
  }

  /** Removes the mark (the person changed their mind); resolves whether there was one. */
  unverify(device: DeviceRef): Promise<boolean> {
    return this.#verified.unmark(this.#identity(device));
  }

  /** Whether `device` is marked verified with the key pinned for it now. */
  async isVerified(device: DeviceRef): Promise<boolean> {
    const identity = this.#identity(device);
    const [verified, pinned] = await Promise.all([
      this.#verified.verifiedFingerprint(identity),
      this.#pins.get(identity),
    ]);
    return verified !== undefined && pinned !== undefined && verified === keyFingerprint(pinned);
  }

  /**
   * This device's verification code to show (as a QR code) to the owner of `forDevice`: its own
   * key, and the key it pinned for theirs when it has one.
   */
  async code(forDevice?: DeviceRef): Promise<string> {
    const own = { ...this.#own, fingerprint: keyFingerprint(this.#ownKey) };
    if (forDevice === undefined) return encodeVerificationCode({ device: own });
    const identity = this.#identity(forDevice);
    const pinned = await this.#pins.get(identity);
    const code: VerificationCode =
      pinned === undefined
        ? { device: own }
        : { device: own, sees: { ...identity, fingerprint: keyFingerprint(pinned) } };
    return encodeVerificationCode(code);
  }

  /** Checks a code scanned from the screen of `device`'s owner; marks it verified if it matches. */
  async checkCode(device: DeviceRef, text: string): Promise<CodeCheck> {
    let code: VerificationCode;
    try {
      code = decodeVerificationCode(text);
    } catch {
      return { kind: 'not-a-code' };
    }
    const identity = this.#identity(device);
    if (!namesDevice(code.device, identity)) return { kind: 'other-device' };
    const pinned = await this.#pins.get(identity);
    if (
      pinned === undefined ||
      fingerprintDigits(keyFingerprint(pinned)) !== code.device.fingerprint
    )
      return { kind: 'their-key-differs' };
    const ownDigits = fingerprintDigits(keyFingerprint(this.#ownKey));
    if (
      code.sees !== undefined &&
      (!namesDevice(code.sees, this.#own) || code.sees.fingerprint !== ownDigits)
    )
      return { kind: 'your-key-differs' };
    await this.#verified.mark(identity, pinned);
    return { kind: 'verified' };
  }

  #identity(device: DeviceRef): MemberIdentity {
    const { userId, deviceId } = device;
    if (typeof userId !== 'string' || typeof deviceId !== 'string')
      throw new ClientError('invalid_argument');
    return { tenantId: device.tenantId ?? this.#own.tenantId, userId, deviceId };
  }
}
