// The few tar archives Docker's archive API needs from PodLab: files written
// into the add-on container (its program, its configuration) and one small
// file read back. ustar headers (POSIX.1-1988), short names only.

const BLOCK = 512;

export interface TarEntry {
  /** Relative path; a trailing slash makes a directory. At most 100 bytes. */
  name: string;
  data?: Buffer;
  mode?: number;
}

export function packTar(entries: TarEntry[], mtime = new Date()): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const directory = entry.name.endsWith('/');
    const data = directory ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    blocks.push(header(entry.name, data.length, entry.mode ?? (directory ? 0o755 : 0o644), directory ? '5' : '0', mtime));
    if (data.length > 0) blocks.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

function header(name: string, size: number, mode: number, type: string, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar entry name too long: ${name}`);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.write(type, 156, 1, 'latin1');
  block.write('ustar\u000000', 257, 8, 'latin1');
  // The checksum is computed with its own field as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

/** The first regular file's content in a tar archive (what `GET /containers/ID/archive` answers for one file). */
export function firstFile(archive: Buffer): Buffer | undefined {
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return undefined;
    const size = parseInt(block.toString('latin1', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    const type = block.toString('latin1', 156, 157);
    const start = offset + BLOCK;
    if (type === '0' || type === '\u0000') return archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
