// The typed messages between the page and the SFrame worker (worker/sframe.worker.ts). A base key
// goes in once per epoch, in a transferred buffer; no reply carries key material, only frames,
// verdicts and error codes.
import type {
  KeyRingUnprotectResult,
  ProtectResult,
  SendSwitch,
  SFrameErrorCode,
} from '@conclave/crypto/member';

export type WorkerRequest =
  | {
      readonly type: 'init';
      readonly retentionMs: number;
      /** The meeting's SFrame suite (0x0005 for a post-quantum meeting); default 0x0004. */
      readonly cipherSuite?: 0x0004 | 0x0005;
    }
  | {
      readonly type: 'setEpoch';
      readonly id: number;
      readonly epoch: bigint;
      readonly baseKey: ArrayBuffer;
      readonly ownLeafIndex: number;
      readonly sending?: SendSwitch;
    }
  | { readonly type: 'sendUnder'; readonly id: number; readonly epoch: bigint }
  | {
      readonly type: 'protect';
      readonly id: number;
      readonly context: number;
      /** `metadataLength` bytes of metadata, then the plaintext. */
      readonly buffer: ArrayBuffer;
      readonly metadataLength: number;
    }
  | {
      readonly type: 'unprotect';
      readonly id: number;
      /** `metadataLength` bytes of metadata, then the SFrame frame. */
      readonly buffer: ArrayBuffer;
      readonly metadataLength: number;
    }
  | { readonly type: 'prune' }
  | { readonly type: 'close' };

export type WorkerReply =
  /** After `setEpoch` or `sendUnder`: the epochs the ring now sends under and has newest. */
  | {
      readonly type: 'epochs';
      readonly id: number;
      readonly current: bigint | undefined;
      readonly newest: bigint | undefined;
    }
  | { readonly type: 'protect'; readonly id: number; readonly result: ProtectResult }
  | { readonly type: 'unprotect'; readonly id: number; readonly result: KeyRingUnprotectResult }
  | { readonly type: 'error'; readonly id: number; readonly code: SFrameErrorCode };
