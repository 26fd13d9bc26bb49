// IPv4 addresses as the add-on handles them: dotted quads, CIDR membership.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(value: string): boolean {
  const match = IPV4.exec(value);
  return !!match && match.slice(1).every((octet) => Number(octet) <= 255 && String(Number(octet)) === octet);
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/** Whether `ip` lies in `cidr` (`10.244.0.0/16`). */
export function inSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!isIPv4(ip) || !base || !isIPv4(base)) return false;
  const size = 2 ** (32 - Number(bits));
  const start = toNumber(base) - (toNumber(base) % size);
  return toNumber(ip) >= start && toNumber(ip) < start + size;
}
