// Deterministic pod IPs for the simulated runtime: the same sequence of
// allocations and releases gives the same addresses, run after run. Share one
// allocator between the nodes of a cluster, as Docker's IPAM is shared by the
// containers of one network.

export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  /** Next-fit: recently released addresses are not handed out again at once, as with Docker's IPAM. */
  private cursor: number;

  /** `reserved`: how many addresses at the start stay unused (network address, gateway). */
  constructor(readonly cidr: string, reserved = 2) {
    const [address, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(address ?? '') || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
      throw new RangeError(`${cidr} is not an IPv4 CIDR between /8 and /30`);
    }
    this.size = 2 ** (32 - prefix);
    const value = address!.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    this.base = value - (value % this.size);
    for (let offset = 0; offset < reserved; offset++) this.used.add(offset);
    // The broadcast address is never a host's.
    this.used.add(this.size - 1);
    this.cursor = reserved;
  }

  allocate(): string {
    if (this.used.size >= this.size) throw new RangeError(`no free address left in ${this.cidr}`);
    while (this.used.has(this.cursor)) this.cursor = (this.cursor + 1) % this.size;
    const offset = this.cursor;
    this.used.add(offset);
    this.cursor = (offset + 1) % this.size;
    return this.toIp(offset);
  }

  release(ip: string): void {
    const offset = ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) - this.base;
    if (offset > 0 && offset < this.size - 1) this.used.delete(offset);
  }

  private toIp(offset: number): string {
    const value = this.base + offset;
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
  }
}
