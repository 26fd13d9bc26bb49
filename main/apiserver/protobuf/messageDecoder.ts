// Protobuf wire bytes of one message → the JSON Kubernetes would serve for it,
// driven by the descriptors rather than generated code, so any kind kubectl
// knows decodes.

import type Protobuf from 'protobufjs';
import { lazyModule } from '../../lazyModule.ts';

const protobufjs = lazyModule<typeof Protobuf>('protobufjs');
import { ProtobufDecodeError } from './errors.ts';
import { jsonFormOf } from './jsonForms.ts';
import { FieldType, type KubernetesProtoSchema, type ProtoField, type ProtoMessage } from './schema.ts';

// Kubernetes types nest a few dozen levels at most; the bound keeps a hostile
// body from exhausting the stack.
const maxDepth = 100;

const wireVarint = 0;
const wire64 = 1;
const wireBytes = 2;
const wire32 = 5;

function wireTypeOf(type: number): number {
  switch (type) {
    case FieldType.double:
    case FieldType.fixed64:
    case FieldType.sfixed64:
      return wire64;
    case FieldType.float:
    case FieldType.fixed32:
    case FieldType.sfixed32:
      return wire32;
    case FieldType.string:
    case FieldType.bytes:
    case FieldType.message:
      return wireBytes;
    case FieldType.group:
      throw new ProtobufDecodeError('proto2 groups are not used by Kubernetes types');
    default:
      return wireVarint;
  }
}

/** A 64-bit value as a JSON number (exact up to 2^53), whether or not protobufjs found the `long` package. */
function toNumber(value: Protobuf.Long | number, unsigned = false): number {
  return typeof value === 'number' ? value : protobufjs().util.LongBits.from(value).toNumber(unsigned);
}

export class MessageDecoder {
  constructor(private readonly schema: KubernetesProtoSchema) {}

  /** The JSON form of a message. */
  decode(message: ProtoMessage, bytes: Uint8Array, depth = 0): unknown {
    const values = this.readFields(message, bytes, depth);
    const form = jsonFormOf(message.fullName);
    if (form) {
      return form((name) => {
        const field = message.byName.get(name);
        return field && values.get(field);
      });
    }
    const json: Record<string, unknown> = {};
    for (const field of message.fields) {
      if (!values.has(field)) continue;
      const value = values.get(field);
      if (field.inline) {
        Object.assign(json, value);
      } else if (field.repeated || field.nullable || !isScalarZero(field, value)) {
        json[field.jsonName] = field.type === FieldType.bytes ? base64(value) : value;
      }
    }
    return json;
  }

  /**
   * The fields present on the wire, by descriptor: scalars as numbers,
   * strings and byte arrays, messages in their JSON form, repeated fields as
   * arrays and map fields as objects. Unknown fields are skipped, as Go's
   * generated Unmarshal does.
   */
  readFields(message: ProtoMessage, bytes: Uint8Array, depth: number): Map<ProtoField, unknown> {
    if (depth > maxDepth) throw new ProtobufDecodeError(`objects nested more than ${maxDepth} levels deep`);
    const values = new Map<ProtoField, unknown>();
    const reader = protobufjs().Reader.create(bytes);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      const field = message.byNumber.get(tag >>> 3);
      if (!field) {
        reader.skipType(wireType);
        continue;
      }
      const expected = wireTypeOf(field.type);
      const packed = field.repeated && wireType === wireBytes && expected !== wireBytes;
      if (wireType !== expected && !packed) {
        throw new ProtobufDecodeError(`wrong wire type ${wireType} for field ${message.fullName}.${field.protoName}`);
      }
      if (packed) {
        const end = reader.uint32() + reader.pos;
        const items = (values.get(field) as unknown[] | undefined) ?? [];
        while (reader.pos < end) items.push(this.readScalar(reader, field.type));
        values.set(field, items);
      } else if (field.type === FieldType.message) {
        this.readMessageField(values, field, reader.bytes(), depth);
      } else if (field.repeated) {
        const items = (values.get(field) as unknown[] | undefined) ?? [];
        items.push(this.readScalar(reader, field.type));
        values.set(field, items);
      } else {
        values.set(field, this.readScalar(reader, field.type));
      }
    }
    return values;
  }

  private readMessageField(values: Map<ProtoField, unknown>, field: ProtoField, bytes: Uint8Array, depth: number): void {
    const type = this.schema.message(field.typeName ?? '');
    if (!type) throw new ProtobufDecodeError(`kubectl's schema lacks the message type ${field.typeName}`);
    if (type.mapEntry) {
      const entry = this.readFields(type, bytes, depth + 1);
      const key = type.byNumber.get(1);
      const value = type.byNumber.get(2);
      if (!key || !value) throw new ProtobufDecodeError(`malformed map entry type ${type.fullName}`);
      const map = (values.get(field) as Record<string, unknown> | undefined) ?? {};
      // Defined rather than assigned, so a key such as `__proto__` stays a key, as in JSON.parse.
      Object.defineProperty(map, String(entry.get(key) ?? ''), { value: this.mapValue(value, entry.get(value), depth), enumerable: true, writable: true, configurable: true });
      values.set(field, map);
    } else if (field.repeated) {
      const items = (values.get(field) as unknown[] | undefined) ?? [];
      items.push(this.decode(type, bytes, depth + 1));
      values.set(field, items);
    } else {
      values.set(field, this.decode(type, bytes, depth + 1));
    }
  }

  /** A map value in JSON form; an absent value is its type's zero value, as in Go. */
  private mapValue(field: ProtoField, value: unknown, depth: number): unknown {
    if (field.type === FieldType.bytes) return base64(value ?? Buffer.alloc(0));
    if (field.type === FieldType.message && value === undefined) {
      const type = this.schema.message(field.typeName ?? '');
      return type ? this.decode(type, new Uint8Array(0), depth + 1) : null;
    }
    if (value !== undefined) return value;
    if (field.type === FieldType.string) return '';
    return field.type === FieldType.bool ? false : 0;
  }

  private readScalar(reader: Protobuf.Reader, type: number): unknown {
    switch (type) {
      case FieldType.double:
        return reader.double();
      case FieldType.float:
        return reader.float();
      case FieldType.int64:
        return toNumber(reader.int64());
      case FieldType.uint64:
        return toNumber(reader.uint64(), true);
      case FieldType.sint64:
        return toNumber(reader.sint64());
      case FieldType.fixed64:
        return toNumber(reader.fixed64(), true);
      case FieldType.sfixed64:
        return toNumber(reader.sfixed64());
      case FieldType.int32:
      case FieldType.enum:
        return reader.int32();
      case FieldType.uint32:
        return reader.uint32();
      case FieldType.sint32:
        return reader.sint32();
      case FieldType.fixed32:
        return reader.fixed32();
      case FieldType.sfixed32:
        return reader.sfixed32();
      case FieldType.bool:
        return reader.bool();
      case FieldType.string:
        return reader.string();
      case FieldType.bytes:
        return reader.bytes();
      default:
        throw new ProtobufDecodeError(`unsupported protobuf field type ${type}`);
    }
  }
}

/**
 * A zero scalar of a non-pointer Go field: Go's generated Marshal writes those
 * fields always, and Kubernetes' JSON leaves them out (`omitempty`).
 */
function isScalarZero(field: ProtoField, value: unknown): boolean {
  if (field.type === FieldType.message || field.type === FieldType.bytes) return false;
  return value === '' || value === 0 || value === false;
}

function base64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(base64);
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}
