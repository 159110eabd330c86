// Every byte entry point answers garbage with a typed error (spec invariant 8): random and mutated
// inputs go through both decoders; nothing may throw, every error code must be a known one, and
// anything accepted must re-encode to exactly the input (one encoding per message).
import { describe, expect, it } from 'vitest';
import {
  MAX_ENVELOPE_BYTES,
  decodeControl,
  decodeEnvelope,
  encodeControl,
  encodeEnvelope,
  envelopeErrorCodes,
  frameRefusedReasons,
  mediaKinds,
  mediaMessageFamily,
  removedReasons,
  type ControlErrorCode,
  type RelayControl,
} from '../../src/media/index.ts';

const controlErrorCodes: readonly ControlErrorCode[] = [
  'truncated',
  'bad_magic',
  'unsupported_version',
  'unknown_type',
  'bad_reason',
  'bad_media_mask',
  'bad_media_kind',
  'bad_count',
  'reserved_flags',
  'too_many_streams',
  'trailing_bytes',
];

/** mulberry32: seeded, so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed: number) {
  const next = rng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const bytes = (length: number) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = int(256);
    return out;
  };
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, bytes, pick };
}

type Random = ReturnType<typeof makeRandom>;

function randomEnvelope(r: Random): Uint8Array {
  return encodeEnvelope(
    {
      mediaKind: r.pick(mediaKinds),
      keyFrame: r.next() < 0.5,
      layer: r.int(256),
      streamId: r.int(2 ** 32),
      sender: r.int(2 ** 32),
      timestampUs: r.next() < 0.1 ? Number.MAX_SAFE_INTEGER - r.int(1000) : r.int(2 ** 40),
    },
    r.bytes(1 + r.int(64)),
  );
}

function randomControl(r: Random): Uint8Array {
  const choice = r.int(4);
  const control: RelayControl =
    choice === 0
      ? { kind: 'key_frame_request', streamId: r.int(2 ** 32) }
      : choice === 1
        ? { kind: 'removed', reason: r.pick(removedReasons) }
        : choice === 2
          ? {
              kind: 'subscribe',
              mediaKinds: mediaKinds.filter(() => r.next() < 0.5),
              streams:
                r.next() < 0.3 ? 'all' : Array.from({ length: r.int(8) }, () => r.int(2 ** 32)),
            }
          : {
              kind: 'frame_refused',
              streamId: r.int(2 ** 32),
              mediaKind: r.pick(mediaKinds),
              reason: r.pick(frameRefusedReasons),
              // Mostly small, as real counts are: a mutation may then zero it.
              frames: r.next() < 0.5 ? 1 + r.int(2) : 1 + r.int(2 ** 32 - 1),
            };
  return encodeControl(control);
}

function mutate(r: Random, input: Uint8Array): Uint8Array {
  let bytes = input;
  const rounds = 1 + r.int(3);
  for (let round = 0; round < rounds; round++) {
    const at = r.int(bytes.length + 1);
    switch (r.int(5)) {
      case 0: // flip one bit
        if (bytes.length > 0) {
          bytes = bytes.slice();
          bytes[at % bytes.length]! ^= 1 << r.int(8);
        }
        break;
      case 1: // overwrite a byte, biased to the header
        if (bytes.length > 0) {
          bytes = bytes.slice();
          bytes[r.next() < 0.7 ? r.int(Math.min(bytes.length, 24)) : at % bytes.length] =
            r.int(256);
        }
        break;
      case 2: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 3: // append
        bytes = Uint8Array.from([...bytes, ...r.bytes(1 + r.int(8))]);
        break;
      default: // delete one byte
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    }
  }
  return bytes;
}

function randomGarbage(r: Random): Uint8Array {
  const roll = r.next();
  if (roll < 0.001) return new Uint8Array(MAX_ENVELOPE_BYTES + 1 + r.int(16)).fill(0xc1);
  const bytes = r.bytes(roll < 0.1 ? r.int(400) : r.int(40));
  // Mostly give it a valid first byte, or almost everything stops at the magic check.
  if (bytes.length > 0 && roll < 0.7) bytes[0] = r.pick([0xc1, 0xd1, 0xc2, 0xd0]);
  return bytes;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Runs both decoders on `input`; returns a description of what went wrong, or null. */
function check(input: Uint8Array, tally: Record<string, number>): string | null {
  try {
    const family = mediaMessageFamily(input);
    if (family !== 'frame' && family !== 'control' && family !== 'unknown')
      return `family ${String(family)}`;
    const envelope = decodeEnvelope(input);
    if (envelope.kind === 'ok') {
      tally.envelopeOk = (tally.envelopeOk ?? 0) + 1;
      if (hex(encodeEnvelope(envelope.envelope, envelope.payload)) !== hex(input))
        return 'envelope not canonical';
    } else if (!envelopeErrorCodes.includes(envelope.code)) {
      return `envelope code ${String(envelope.code)}`;
    } else {
      tally[`envelope:${envelope.code}`] = (tally[`envelope:${envelope.code}`] ?? 0) + 1;
    }
    const control = decodeControl(input);
    if (control.kind === 'ok') {
      tally.controlOk = (tally.controlOk ?? 0) + 1;
      if (hex(encodeControl(control.control)) !== hex(input)) return 'control not canonical';
    } else if (!controlErrorCodes.includes(control.code)) {
      return `control code ${String(control.code)}`;
    } else {
      tally[`control:${control.code}`] = (tally[`control:${control.code}`] ?? 0) + 1;
    }
    return null;
  } catch (error) {
    return `threw ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe('media wire fuzzing', () => {
  it('answers 120,000 random and mutated inputs with typed results only', () => {
    const r = makeRandom(0x5eed_c0de);
    const failures: string[] = [];
    const tally: Record<string, number> = {};
    const generators = [
      () => randomGarbage(r),
      () => mutate(r, randomEnvelope(r)),
      () => mutate(r, randomControl(r)),
      () => randomEnvelope(r),
      () => randomControl(r),
    ];
    const weights = [40_000, 35_000, 35_000, 5_000, 5_000];
    let inputs = 0;
    generators.forEach((generate, g) => {
      for (let i = 0; i < weights[g]!; i++) {
        const input = generate();
        inputs++;
        const problem = check(input, tally);
        if (problem !== null && failures.length < 10)
          failures.push(`${problem}: ${hex(input.subarray(0, 48))}`);
      }
    });
    expect(failures).toEqual([]);
    expect(inputs).toBeGreaterThanOrEqual(100_000);
    // The corpus reached every decoder branch, not just the magic check.
    for (const code of envelopeErrorCodes)
      expect(tally[`envelope:${code}`] ?? 0, code).toBeGreaterThan(0);
    for (const code of controlErrorCodes)
      expect(tally[`control:${code}`] ?? 0, code).toBeGreaterThan(0);
    expect(tally.envelopeOk).toBeGreaterThan(5_000);
    expect(tally.controlOk).toBeGreaterThan(5_000);
  });
});
