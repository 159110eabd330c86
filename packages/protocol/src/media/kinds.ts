// Media kinds. Each has a wire code (envelope byte 1) and a bit in a subscription mask; codes
// start at 1 so that a zeroed buffer never decodes as a valid frame.
export const mediaKinds = ['audio', 'camera', 'screen'] as const;
export type MediaKind = (typeof mediaKinds)[number];

const codes: Record<MediaKind, number> = { audio: 1, camera: 2, screen: 3 };

export function mediaKindCode(kind: MediaKind): number {
  return codes[kind];
}

/** The kind for a wire code, or undefined for an unknown code. */
export function mediaKindFromCode(code: number): MediaKind | undefined {
  return mediaKinds[code - 1];
}

/** Bit of `kind` in a subscription mask. */
export function mediaKindBit(kind: MediaKind): number {
  return 1 << (codes[kind] - 1);
}

export const ALL_MEDIA_KINDS_MASK = 0b111;

export function isMediaKind(value: unknown): value is MediaKind {
  return value === 'audio' || value === 'camera' || value === 'screen';
}
