// The verification code through a QR code and back: drawn as the dialog draws it (qrcode), read as
// the camera scan reads a frame (jsQR), it is the same text, and the SDK reads the same code.
import { decodeVerificationCode, encodeVerificationCode } from '@conclave/client';
import { describe, expect, it } from 'vitest';
import { qrModules, readQrCode } from './qrCode.ts';

/** The modules as an RGBA picture: `scale` pixels each, with a white quiet zone of 4 modules. */
function picture(text: string, scale = 4) {
  const { size, dark } = qrModules(text);
  const side = (size + 8) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!dark[y * size + x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((y + 4) * scale + dy) * side + (x + 4) * scale + dx) * 4;
          rgba.set([0, 0, 0, 255], at);
        }
      }
    }
  }
  return { rgba, side };
}

describe('the verification QR code', () => {
  it('reads back as the code it was drawn from', () => {
    const fingerprint = '12345 67890 '.repeat(6).trim();
    const code = encodeVerificationCode({
      device: {
        userId: '4f0c6a8e-1d2b-4c3a-9e8f-7a6b5c4d3e2f',
        deviceId: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
        fingerprint,
      },
      sees: {
        userId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        deviceId: 'd4c3b2a1-f6e5-4b7a-8d9c-2b1a0f9e8d7c',
        fingerprint: '98765 43210 '.repeat(6).trim(),
      },
    });
    const { rgba, side } = picture(code);
    const read = readQrCode(rgba, side, side);
    expect(read).toBe(code);
    expect(decodeVerificationCode(read!).device.fingerprint).toBe(fingerprint.replace(/ /gu, ''));
  });

  it('finds nothing in a picture without a code', () => {
    const blank = new Uint8ClampedArray(64 * 64 * 4).fill(255);
    expect(readQrCode(blank, 64, 64)).toBeUndefined();
  });
});
