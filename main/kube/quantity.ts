// resource.Quantity: "100m", "1Gi", "0.5", "1e3". Values are kept exactly as
// nano-units in a bigint, so "0.1" + "0.2" compares equal to "300m", and
// printed in Kubernetes' canonical form ("0.5" is stored back as "500m").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9, rounded up to a whole nano-unit as Kubernetes rounds. */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const NANO = 1_000_000_000n;
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

// Parsed quantities by their text: a cluster spells few ("100m", "64Mi"), and each pod's are read on every
// write of it (decode, defaults, validation), by the scheduler for each node it scores and by its kubelet.
const parsed = new Map<string, Quantity>();
const PARSED_KEPT = 4096;

/** resource.ParseQuantity. Throws QuantityParseError with Kubernetes' message. */
export function parseQuantity(text: string): Quantity {
  let quantity = parsed.get(text);
  if (!quantity) {
    quantity = Object.freeze(parseQuantityText(text));
    // Arbitrary texts (each pod can spell its own) must not grow the map without end.
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(text, quantity);
  }
  return quantity;
}

function parseQuantityText(text: string): Quantity {
  const match = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!match || text.length === 0) throw new QuantityParseError(quantityFormatError);
  const [, numberPart, suffix] = match;
  const numeric = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(numberPart);
  if (!numeric || (numeric[2] === '' && (numeric[3] ?? '') === '')) throw new QuantityParseError('unable to parse numeric part of quantity');
  const negative = numeric[1] === '-';
  const fraction = numeric[3] ?? '';
  // The number as an integer `digits` over 10^fraction.length.
  const digits = BigInt(`${numeric[2] || '0'}${fraction}`);
  const scaleDown = 10n ** BigInt(fraction.length);

  let format: QuantityFormat;
  let numerator: bigint;
  let denominator = scaleDown;
  if (suffix in binarySuffixes) {
    format = 'BinarySI';
    numerator = digits * NANO * 2n ** BigInt(binarySuffixes[suffix]);
  } else if (suffix in decimalSuffixes) {
    format = 'DecimalSI';
    numerator = digits * NANO;
    const exp = decimalSuffixes[suffix];
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    const exp = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) throw new QuantityParseError("unable to parse quantity's suffix");
    numerator = digits * NANO;
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
  } else {
    throw new QuantityParseError("unable to parse quantity's suffix");
  }
  const magnitude = ceilDiv(numerator, denominator);
  return { nano: negative ? -magnitude : magnitude, format: magnitude === 0n ? 'DecimalSI' : format };
}

/** Quantity.MilliValue: rounded up to a whole milli-unit ("100m" is 100, "1" is 1000). */
export function milliValue(q: Quantity | string): number {
  const { nano } = typeof q === 'string' ? parseQuantity(q) : q;
  return Number(ceilDiv(nano, 1_000_000n));
}

/** Quantity.Value: rounded up to a whole unit ("1Gi" is 1073741824 bytes, "100m" is 1). */
export function quantityValue(q: Quantity | string): number {
  const { nano } = typeof q === 'string' ? parseQuantity(q) : q;
  return Number(ceilDiv(nano, NANO));
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

/** Quantity.String(): the canonical form Kubernetes stores and prints. */
export function formatQuantity(q: Quantity): string {
  const sign = q.nano < 0n ? '-' : '';
  const abs = q.nano < 0n ? -q.nano : q.nano;
  if (abs === 0n) return '0';
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let units = abs / NANO;
    let power = 0;
    while (power < 60 && units % 1024n === 0n) {
      units /= 1024n;
      power += 10;
    }
    const suffix = Object.keys(binarySuffixes).find((s) => binarySuffixes[s] === power) ?? '';
    return `${sign}${units}${suffix}`;
  }
  // Decimal: the largest power of 1000 (from nano) that leaves a whole mantissa.
  let mantissa = abs;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = Object.keys(decimalSuffixes).find((s) => decimalSuffixes[s] === exp) ?? '';
  return `${sign}${mantissa}${suffix}`;
}

/** The canonical spelling of a quantity string, or the input unchanged when it does not parse. */
export function canonicalQuantity(text: string): string {
  try {
    return formatQuantity(parseQuantity(text));
  } catch {
    return text;
  }
}
