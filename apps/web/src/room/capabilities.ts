// What this browser can do, as governance needs to know it: end-to-end encrypted media needs
// WebCodecs (to reach encoded frames), MediaStreamTrackProcessor (to read raw ones) and WebCrypto.
import packageJson from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = packageJson.version;

export function hasE2eeMedia(): boolean {
  return (
    typeof VideoEncoder === 'function' &&
    typeof VideoDecoder === 'function' &&
    typeof AudioEncoder === 'function' &&
    typeof AudioDecoder === 'function' &&
    typeof MediaStreamTrackProcessor === 'function' &&
    globalThis.crypto?.subtle !== undefined
  );
}

export function webClientInfo(): { platform: 'web'; version: string; e2eeMedia: boolean } {
  return { platform: 'web', version: APP_VERSION, e2eeMedia: hasE2eeMedia() };
}
