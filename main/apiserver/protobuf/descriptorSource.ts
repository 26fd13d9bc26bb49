// Where PodLab gets the Kubernetes protobuf schema: from the kubectl binary
// itself. Every Go program that links k8s.io/api registers each package's
// generated.proto as a gzipped FileDescriptorProto (gogo's proto.RegisterFile),
// so the kubectl that sends protobuf also carries the exact schema it encoded
// with, and PodLab needs to ship none of Kubernetes' .proto files.

import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import type * as Zlib from 'node:zlib';
import { lazyModule } from '../../lazyModule.ts';
import { ProtobufSchemaUnavailableError } from './errors.ts';

const zlib = lazyModule<typeof Zlib>('node:zlib');

/** One serialized google.protobuf.FileDescriptorProto found in the binary. */
export interface EmbeddedProtoFile {
  /** e.g. `k8s.io/api/core/v1/generated.proto` */
  name: string;
  /** e.g. `k8s.io.api.core.v1` */
  package: string;
  descriptor: Buffer;
}

export interface KubectlDescriptors {
  binary: string;
  files: EmbeddedProtoFile[];
  /** How long the scan of the binary blocked, for diagnostics. */
  scanMillis: number;
}

const noKubectlMessage =
  'PodLab decodes protobuf request bodies with the schema embedded in kubectl, and no kubectl binary was found on PATH; send JSON (Content-Type: application/json) instead';

/**
 * The kubectl whose schema to use: $PODLAB_KUBECTL, then $KUBECTL (a path, or
 * a name looked up on PATH), then `kubectl` on PATH.
 */
export function locateKubectl(env: NodeJS.ProcessEnv = process.env): string {
  for (const variable of ['PODLAB_KUBECTL', 'KUBECTL']) {
    const wanted = env[variable];
    if (!wanted) continue;
    const found = wanted.includes('/') || wanted.includes(sep) ? (isFile(wanted) ? wanted : undefined) : onPath(wanted, env);
    if (found) return found;
    throw new ProtobufSchemaUnavailableError(
      `PodLab decodes protobuf request bodies with the schema embedded in kubectl, and ${variable}=${wanted} is not a kubectl binary; send JSON (Content-Type: application/json) instead`,
    );
  }
  const found = onPath('kubectl', env);
  if (!found) throw new ProtobufSchemaUnavailableError(noKubectlMessage);
  return found;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' && !/\.exe$/i.test(name) ? [`${name}.exe`, name] : [name];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const candidate of names.map((n) => join(dir, n))) if (isFile(candidate)) return candidate;
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  descriptors: KubectlDescriptors;
}

// Keyed by the resolved binary, and checked against its mtime and size, so an
// upgraded kubectl is rescanned; a binary without descriptors is cached too,
// so it is not rescanned on every request.
const cache = new Map<string, CacheEntry>();

/**
 * The schema of the kubectl on this machine. Scans the binary once (a few tens
 * of milliseconds for a 60 MB kubectl) and then answers from memory.
 */
export function kubectlDescriptors(env: NodeJS.ProcessEnv = process.env): KubectlDescriptors {
  const binary = locateKubectl(env);
  const real = realpathSync(binary);
  const { mtimeMs, size } = statSync(real);
  let entry = cache.get(real);
  if (!entry || entry.mtimeMs !== mtimeMs || entry.size !== size) {
    const started = performance.now();
    const files = scanEmbeddedProtoFiles(real);
    entry = { mtimeMs, size, descriptors: { binary: real, files, scanMillis: performance.now() - started } };
    cache.set(real, entry);
  }
  if (entry.descriptors.files.length === 0) {
    throw new ProtobufSchemaUnavailableError(
      `PodLab decodes protobuf request bodies with the schema embedded in kubectl, and ${binary} holds no Kubernetes protobuf schema; send JSON (Content-Type: application/json) instead`,
    );
  }
  return entry.descriptors;
}

// A gzip member as Go's compress/gzip writes it: deflate, and no optional
// header fields (FLG = 0), so the deflate stream starts 10 bytes in.
const gzipHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
const gzipHeaderLength = 10;
// Kubernetes' largest descriptor (core/v1) is ~75 KB inflated, ~16 KB
// deflated; the bounds leave ample room and stop early on other gzipped data
// in the binary (kubectl also embeds a multi-megabyte OpenAPI document).
const maxDeflated = 1 << 20;
const maxInflated = 1 << 20;
// Read in windows rather than the whole binary at once; each window overlaps
// the next by maxDeflated so a member that starts in it can be inflated whole.
export const scanWindowBytes = 8 << 20;

/** Every gzipped FileDescriptorProto in a binary, first copy of each name. */
export function scanEmbeddedProtoFiles(path: string): EmbeddedProtoFile[] {
  const files = new Map<string, EmbeddedProtoFile>();
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(Math.min(size, scanWindowBytes + maxDeflated));
    for (let start = 0; start < size; start += scanWindowBytes) {
      const chunk = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, start));
      const starts = Math.min(scanWindowBytes, chunk.length);
      for (let at = chunk.indexOf(gzipHeader); at !== -1 && at < starts; at = chunk.indexOf(gzipHeader, at + 1)) {
        const file = protoFileAt(chunk.subarray(at + gzipHeaderLength, at + gzipHeaderLength + maxDeflated));
        if (file && !files.has(file.name)) files.set(file.name, file);
      }
    }
  } finally {
    closeSync(fd);
  }
  return [...files.values()];
}

function protoFileAt(deflated: Buffer): EmbeddedProtoFile | undefined {
  let inflated: Buffer;
  try {
    inflated = zlib().inflateRawSync(deflated, { maxOutputLength: maxInflated });
  } catch {
    return undefined; // bytes that only look like a gzip header
  }
  // protoc writes FileDescriptorProto.name (field 1) and package (field 2)
  // first; a `.proto` name tells descriptors apart from other gzipped data.
  const name = stringField(inflated, 0, 0x0a);
  if (!name?.value.endsWith('.proto')) return undefined;
  const pkg = stringField(inflated, name.end, 0x12);
  return { name: name.value, package: pkg?.value ?? '', descriptor: inflated };
}

/** A length-delimited field with the given tag byte at `at`, if there is one. */
function stringField(bytes: Buffer, at: number, tag: number): { value: string; end: number } | undefined {
  if (bytes[at] !== tag) return undefined;
  let length = 0;
  let pos = at + 1;
  for (let shift = 0; pos < bytes.length && shift < 28; shift += 7) {
    const byte = bytes[pos++];
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      const end = pos + length;
      return end > bytes.length ? undefined : { value: bytes.toString('utf8', pos, end), end };
    }
  }
  return undefined;
}
