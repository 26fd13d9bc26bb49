// Messages whose JSON is not an object of their fields: apimachinery types
// with their own MarshalJSON (Time, Quantity, IntOrString, ...) and Go named
// slices that go-to-protobuf wraps in a message of `items`.

import { ProtobufDecodeError } from './errors.ts';

/** A decoded field of the message by proto name: numbers, strings, Buffers, arrays. */
export type FieldsOf = (protoName: string) => unknown;

export type JsonForm = (fields: FieldsOf) => unknown;

const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const forms = new Map<string, JsonForm>([
  // Time and MicroTime marshal Go's zero time as an empty message (older
  // clients as its Unix seconds), and their JSON is null then. Time's JSON has
  // whole seconds (its Unmarshal drops nanos).
  [`${meta}.Time`, (f) => (isEmptyTimestamp(f) ? null : rfc3339(f, 0))],
  [`${meta}.MicroTime`, (f) => (isEmptyTimestamp(f) ? null : rfc3339(f, 6))],
  [`${meta}.Duration`, (f) => formatGoDuration(BigInt(asInteger(f('duration'))))],
  [`${meta}.FieldsV1`, (f) => rawJson(f('Raw'), 'FieldsV1')],
  [`${meta}.Verbs`, (f) => f('items') ?? []],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', (f) => f('string') || '0'],
  ['k8s.io.apimachinery.pkg.api.resource.QuantityValue', (f) => f('string') || '0'],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', (f) => rawJson(f('raw'), 'RawExtension')],
]);

export function jsonFormOf(fullName: string): JsonForm | undefined {
  const form = forms.get(fullName);
  if (form) return form;
  // authentication, authorization and certificates each define `type ExtraValue []string`.
  if (fullName.startsWith('k8s.io.api.') && fullName.endsWith('.ExtraValue')) return (f) => f('items') ?? [];
  return undefined;
}

/** time.Time{}.Unix(): Go's zero time is January 1, year 1. */
const goZeroTimeSeconds = -62135596800;

function isEmptyTimestamp(f: FieldsOf): boolean {
  const seconds = f('seconds');
  return (seconds === undefined || seconds === goZeroTimeSeconds) && !f('nanos');
}

/** Go's time.RFC3339 (digits = 0) or metav1's RFC3339Micro (digits = 6), in UTC. */
function rfc3339(f: FieldsOf, digits: number): string {
  const seconds = asInteger(f('seconds'));
  const nanos = asInteger(f('nanos'));
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw new ProtobufDecodeError(`time out of range: ${seconds} seconds since the epoch`);
  }
  const whole = date.toISOString().slice(0, 19);
  const fraction = digits ? `.${String(Math.floor(nanos / 10 ** (9 - digits))).padStart(digits, '0')}` : '';
  return `${whole}${fraction}Z`;
}

function intOrString(f: FieldsOf): number | string {
  const type = asInteger(f('type'));
  if (type === 0) return asInteger(f('intVal'));
  if (type === 1) return (f('strVal') as string | undefined) ?? '';
  throw new ProtobufDecodeError(`impossible IntOrString.Type ${type}`);
}

function rawJson(raw: unknown, what: string): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new ProtobufDecodeError(`${what} does not hold JSON; PodLab accepts only JSON inside protobuf bodies`);
  }
}

function asInteger(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

const units: [bigint, string][] = [
  [1_000_000n, 'ms'],
  [1_000n, 'µs'],
];

/** Go's time.Duration.String: `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  let rest = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (rest < 1_000_000_000n) {
    if (rest < 1_000n) return `${sign}${rest}ns`;
    const [unit, name] = units.find(([size]) => rest >= size)!;
    return `${sign}${decimal(rest, unit)}${name}`;
  }
  const hours = rest / 3_600_000_000_000n;
  rest %= 3_600_000_000_000n;
  const minutes = rest / 60_000_000_000n;
  rest %= 60_000_000_000n;
  const seconds = `${decimal(rest, 1_000_000_000n)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** value / unit with the fraction's trailing zeros dropped. */
function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const fraction = (value % unit).toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
