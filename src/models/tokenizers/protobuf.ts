/**
 * A minimal reader for the protobuf wire format, enough to walk a SentencePiece `ModelProto`
 * without a protobuf dependency or a generated schema. It never trusts lengths from the file:
 * every length-delimited field is checked against the bytes that remain.
 */

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

/** One field as it appears on the wire; `value` is the raw varint, fixed bits or payload. */
export type ProtoField =
  | { field: number; wire: 0; value: bigint }
  | { field: number; wire: 1; value: DataView }
  | { field: number; wire: 2; value: Uint8Array }
  | { field: number; wire: 5; value: DataView };

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class ProtoReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Reads a base-128 varint as an unsigned 64-bit bigint (protobuf allows at most 10 bytes). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw new ProtobufError(`truncated varint at byte ${this.pos}`);
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new ProtobufError(`field of ${n} bytes at byte ${this.pos} runs past the end (${this.bytes.length} bytes)`);
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads the next field; groups (deprecated, unused by SentencePiece) are rejected. */
  next(): ProtoField {
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtobufError(`field number 0 at byte ${this.pos}`);
    switch (wire) {
      case WireType.Varint:
        return { field, wire, value: this.varint() };
      case WireType.Fixed64: {
        const b = this.take(8);
        return { field, wire, value: new DataView(b.buffer, b.byteOffset, 8) };
      }
      case WireType.LengthDelimited: {
        const len = this.varint();
        if (len > BigInt(this.bytes.length)) throw new ProtobufError(`length ${len} at byte ${this.pos} exceeds the message`);
        return { field, wire, value: this.take(Number(len)) };
      }
      case WireType.Fixed32: {
        const b = this.take(4);
        return { field, wire, value: new DataView(b.buffer, b.byteOffset, 4) };
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wire} for field ${field} at byte ${this.pos}`);
    }
  }

  /** Iterates over all fields of this message. */
  *fields(): Generator<ProtoField> {
    while (!this.done) yield this.next();
  }
}

/** `int32` fields hold negative numbers as 64-bit two's complement varints (e.g. `pad_id = -1`). */
export function asInt32(f: ProtoField): number {
  if (f.wire !== WireType.Varint) throw new ProtobufError(`field ${f.field}: expected a varint, got wire type ${f.wire}`);
  return Number(BigInt.asIntN(32, f.value));
}

export function asUint(f: ProtoField): number {
  if (f.wire !== WireType.Varint) throw new ProtobufError(`field ${f.field}: expected a varint, got wire type ${f.wire}`);
  return Number(f.value);
}

export function asBool(f: ProtoField): boolean {
  return asUint(f) !== 0;
}

export function asFloat(f: ProtoField): number {
  if (f.wire !== WireType.Fixed32) throw new ProtobufError(`field ${f.field}: expected a 32-bit float, got wire type ${f.wire}`);
  return f.value.getFloat32(0, true);
}

export function asBytes(f: ProtoField): Uint8Array {
  if (f.wire !== WireType.LengthDelimited) throw new ProtobufError(`field ${f.field}: expected bytes, got wire type ${f.wire}`);
  return f.value;
}

export function asString(f: ProtoField): string {
  return utf8.decode(asBytes(f));
}
