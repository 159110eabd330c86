// The verification code as a QR code, both ways: drawn (qrcode) for the other person's camera,
// and read from this browser's camera (jsQR), one video frame at a time. The only users of the
// two libraries; what a code says and how it is checked is the SDK's (verification-code.ts).
import jsQR from 'jsqr';
import QRCode from 'qrcode';

/** Error correction M, drawn large (the code holds two ids of each kind and two fingerprints). */
const LEVEL = 'M';

/** Draws `text` as a QR code on `canvas`. */
export async function drawQrCode(canvas: HTMLCanvasElement, text: string): Promise<void> {
  await QRCode.toCanvas(canvas, text, { errorCorrectionLevel: LEVEL, margin: 4, width: 320 });
}

/** The QR code's modules (true: dark), row by row — for tests and anything not a canvas. */
export function qrModules(text: string): { readonly size: number; readonly dark: boolean[] } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: LEVEL });
  return { size: modules.size, dark: Array.from(modules.data, (bit) => bit === 1) };
}

/** The text of the QR code in an RGBA image, or undefined if it shows none. */
export function readQrCode(rgba: Uint8ClampedArray, width: number, height: number) {
  return jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' })?.data;
}

/**
 * Reads `video`'s frames until one shows a QR code, then calls `found` with its text once.
 * Returns the stop function (also called by itself after `found`).
 */
export function scanVideo(video: HTMLVideoElement, found: (text: string) => void): () => void {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || context === null || video.videoWidth === 0) return;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const text = readQrCode(image.data, image.width, image.height);
    if (text === undefined || text.length === 0) return;
    stop();
    found(text);
  }, 200);
  function stop(): void {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
