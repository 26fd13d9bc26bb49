// IP addresses and CIDR blocks, IPv4 and IPv6, as numbers: what NetworkPolicy
// ipBlocks need (is `except` a strict subset of `cidr`, is this pod IP
// inside). Go's net.ParseCIDR accepts a block with host bits set
// (10.0.0.1/24) and so does Kubernetes' legacy CIDR validation.

import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The block's first address (host bits cleared). */
  base: bigint;
  prefix: number;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

/** An address as a number with its family, or undefined when it is not one. */
export function parseIp(ip: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIPv4(ip)) return { family: 4, value: ipv4ToBigInt(ip) };
  if (isIPv6(ip)) return { family: 6, value: ipv6ToBigInt(ip) };
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const width = ip.family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

export function cidrContains(block: Cidr, ip: { family: 4 | 6; value: bigint }): boolean {
  if (block.family !== ip.family) return false;
  const hostBits = BigInt((block.family === 4 ? 32 : 128) - block.prefix);
  return ip.value >> hostBits === block.base >> hostBits;
}

/** Whether `inner` lies inside `outer` and is smaller (Kubernetes' "strict subset" for ipBlock.except). */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  return cidrContains(outer, { family: inner.family, value: inner.base }) && outer.prefix < inner.prefix;
}
