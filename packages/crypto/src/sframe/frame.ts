import { headerLength, writeHeader } from './header.ts';
import { frameNonce, writeNonce, type FrameKey } from './key-schedule.ts';

// RFC 9605 §4.4.3-4: AAD = header || metadata; the frame on the wire is header || ct || tag.
// Both return synchronously when the back end can, so the node:crypto path pays no promise per
// layer; callers check with `instanceof Promise`.

export function sealFrame(
  key: FrameKey,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const header = new Uint8Array(headerLength(key.kid, ctr));
  writeHeader(header, key.kid, ctr);
  if (key.aead.sealSync !== undefined) {
    return key.aead.sealSync(writeNonce(key.nonce, key.salt, ctr), header, metadata, plaintext);
  }
  return key.aead.seal(frameNonce(key.salt, ctr), header, metadata, plaintext);
}

/** `frame` is the whole SFrame ciphertext; its header (already parsed) is `headerLength` long. */
export function openFrame(
  key: FrameKey,
  ctr: bigint,
  frame: Uint8Array,
  headerLength: number,
  metadata: Uint8Array,
): Uint8Array | null | Promise<Uint8Array | null> {
  const header = frame.subarray(0, headerLength);
  const body = frame.subarray(headerLength);
  if (key.aead.openSync !== undefined) {
    return key.aead.openSync(writeNonce(key.nonce, key.salt, ctr), header, metadata, body);
  }
  return key.aead.open(frameNonce(key.salt, ctr), header, metadata, body);
}
