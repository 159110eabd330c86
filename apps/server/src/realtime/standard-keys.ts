// Standard (non-E2EE) meetings and calls: the server generates the media base key itself, one per
// key epoch, and rotates it on every membership change, so someone who left cannot read what is
// sent after they left and a newcomer cannot read what was sent before. These keys are
// server-held by design (that is what "standard" means: server-side services could decrypt);
// they live only in memory, and an E2EE meeting never gets one.
import { randomBytes } from 'node:crypto';

/** AES_128_GCM_SHA256_128 (0x0004) takes a 16-byte base key, the size the MLS exporter gives E2EE meetings. */
const BASE_KEY_BYTES = 16;

export class StandardMediaKeys {
  private epoch = 0n;
  private key: Buffer | undefined;

  /** A new epoch with a fresh key; the previous key is overwritten. */
  rotate(): { epoch: bigint; key: Uint8Array } {
    this.key?.fill(0);
    this.epoch += 1n;
    this.key = randomBytes(BASE_KEY_BYTES);
    return { epoch: this.epoch, key: this.key };
  }

  clear(): void {
    this.key?.fill(0);
    this.key = undefined;
  }
}
