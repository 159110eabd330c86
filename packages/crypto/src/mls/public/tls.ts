// A bounds-checked reader for the TLS presentation language as RFC 9420 uses it. Every read
// either returns a value inside the buffer or throws MlsError('malformed'): no read can run past
// the end, allocate from a claimed length, or loop on its input.
import { MlsError } from './errors.ts';

export class TlsReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  uint8(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new MlsError('malformed');
    this.offset += 1;
    return value;
  }

  uint16(): number {
    return (this.uint8() << 8) | this.uint8();
  }

  uint32(): number {
    return this.uint16() * 0x10000 + this.uint16();
  }

  uint64(): bigint {
    const high = BigInt(this.uint32());
    return (high << 32n) | BigInt(this.uint32());
  }

  /** RFC 9420 §2.1.2 variable-size length: 1, 2 or 4 bytes, selected by the top two bits. */
  varint(): number {
    const first = this.uint8();
    const prefix = first >> 6;
    if (prefix === 0) return first & 0x3f;
    if (prefix === 1) return ((first & 0x3f) << 8) | this.uint8();
    if (prefix === 2) return (first & 0x3f) * 0x1000000 + this.uint8() * 0x10000 + this.uint16();
    throw new MlsError('malformed');
  }

  /** `opaque data<V>`: a view into the input (no copy). */
  opaque(): Uint8Array {
    const length = this.varint();
    return this.take(length);
  }

  take(length: number): Uint8Array {
    if (length > this.remaining) throw new MlsError('malformed');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  end(): void {
    if (this.remaining !== 0) throw new MlsError('malformed');
  }
}
