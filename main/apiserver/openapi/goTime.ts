// Go's time.Parse for the two layouts Kubernetes decodes times with:
// metav1.Time takes RFC3339, metav1.MicroTime RFC3339 with microseconds.
// Only whether a string parses matters here, and when it does not, the
// error text: it is what kube-apiserver answers (`parsing time "x" as
// "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`). The steps
// follow Go's parser for these layouts: each layout element consumes the
// front of the value or fails naming the element and what was left.

export const rfc3339 = '2006-01-02T15:04:05Z07:00';
export const rfc3339Micro = '2006-01-02T15:04:05.000000Z07:00';

type Element = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'micro' | 'zone';

/** A layout as Go's nextStdChunk splits it: literal prefixes and the elements between them. */
function chunks(layout: string): { prefix: string; element: Element; text: string }[] {
  const micro = layout === rfc3339Micro;
  return [
    { prefix: '', element: 'year', text: '2006' },
    { prefix: '-', element: 'month', text: '01' },
    { prefix: '-', element: 'day', text: '02' },
    { prefix: 'T', element: 'hour', text: '15' },
    { prefix: ':', element: 'minute', text: '04' },
    { prefix: ':', element: 'second', text: '05' },
    ...(micro ? [{ prefix: '', element: 'micro' as const, text: '.000000' }] : []),
    { prefix: '', element: 'zone', text: 'Z07:00' },
  ];
}

class Bad extends Error {}

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad();
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's atoi: an optional sign and digits, nothing else. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Bad();
  return Number(s);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Go's time package quote: printable ASCII as is (quotes and backslashes escaped), other bytes as \xNN. */
export function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code >= 0x80) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

/** The error time.Parse(layout, value) returns, or undefined when the value parses. */
export function goTimeParseError(layout: typeof rfc3339 | typeof rfc3339Micro, value: string): string | undefined {
  const failed = (layoutElem: string, valueElem: string) =>
    `parsing time ${goTimeQuote(value)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`;
  const outOfRange = (message: string) => `parsing time ${goTimeQuote(value)}${message}`;

  let rest = value;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const { prefix, element, text } of chunks(layout)) {
    for (let i = 0; i < prefix.length; i++) {
      if (rest.length === 0 || rest[0] !== prefix[i]) return failed(prefix.slice(i), rest);
      rest = rest.slice(1);
    }
    const hold = rest;
    let range = '';
    try {
      switch (element) {
        case 'year':
          if (rest.length < 4 || !isDigit(rest, 0)) throw new Bad();
          year = atoi(rest.slice(0, 4));
          rest = rest.slice(4);
          break;
        case 'month':
          [month, rest] = getnum(rest, true);
          if (month <= 0 || month > 12) range = 'month';
          break;
        case 'day':
          // Any one- or two-digit day; checked against the month at the end.
          [day, rest] = getnum(rest, true);
          break;
        case 'hour': {
          let hour: number;
          [hour, rest] = getnum(rest, false);
          if (hour >= 24) range = 'hour';
          break;
        }
        case 'minute': {
          let minute: number;
          [minute, rest] = getnum(rest, true);
          if (minute >= 60) range = 'minute';
          break;
        }
        case 'second': {
          let second: number;
          [second, rest] = getnum(rest, true);
          if (second >= 60) {
            range = 'second';
            break;
          }
          // A fraction the layout does not spell out is still accepted (RFC3339 only).
          if (layout === rfc3339 && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
            let n = 2;
            while (isDigit(rest, n)) n++;
            atoi(rest.slice(1, Math.min(n, 10)));
            rest = rest.slice(n);
          }
          break;
        }
        case 'micro':
          if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',')) throw new Bad();
          atoi(rest.slice(1, 7));
          rest = rest.slice(7);
          break;
        case 'zone': {
          if (rest[0] === 'Z') {
            rest = rest.slice(1);
            break;
          }
          if (rest.length < 6 || rest[3] !== ':') throw new Bad();
          const [sign, hh, mm] = [rest[0], rest.slice(1, 3), rest.slice(4, 6)];
          rest = rest.slice(6);
          const [hours] = getnum(hh, true);
          const [minutes] = getnum(mm, true);
          if (hours > 24) range = 'time zone offset hour';
          if (minutes > 60) range = 'time zone offset minute';
          if (sign !== '+' && sign !== '-') throw new Bad();
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
      if (range) return outOfRange(`: ${range} out of range`);
      return failed(text, hold);
    }
    if (range) return outOfRange(`: ${range} out of range`);
  }
  if (rest.length > 0) return outOfRange(`: extra text: ${goTimeQuote(rest)}`);
  if (day < 1 || day > daysIn(month, year)) return outOfRange(': day out of range');
  return undefined;
}
