// Where the MLS group of one meeting is in its life, as one tagged value (style guide,
// convention 3) instead of loose flags:
//
//   none      no group: the next admitted participant founds one
//   founding  a group id is chosen and stored; `creator` was asked to create the group at epoch 0
//             (undefined while nobody is: the creator left, or the server restarted)
//   active    the group exists at `epoch`; members commit the server's proposals to move it on

/** A participant the delivery service is admitting. */
export interface Joiner {
  /** A fresh id for this participant; a resuming member keeps its own instead. */
  readonly participantId: string;
  readonly userId: string;
  readonly deviceId: string;
}

export type GroupState =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'founding';
      readonly groupId: Uint8Array;
      readonly creator: Joiner | undefined;
    }
  | { readonly kind: 'active'; readonly groupId: Uint8Array; readonly epoch: bigint };

export const noGroup: GroupState = { kind: 'none' };
