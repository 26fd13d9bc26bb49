// Request bodies: bounded in size (kube-apiserver refuses bodies over 3 MiB
// with 413), decoded from JSON, YAML or Kubernetes protobuf, with decode errors
// as 400 BadRequest.

import type { IncomingMessage } from 'node:http';
import { yaml } from '../../kube/yamlLibrary.ts';
import { errors, StatusError } from '../errors.ts';
import { cutBeyondDepthLimit } from './jsonDepthLimit.ts';
import { rememberDuplicateFields } from './jsonDuplicates.ts';
import { rememberNumberLiterals } from './jsonNumbers.ts';
import { yamlNestingProblem } from '../../kube/yamlNesting.ts';
import { decodeKubernetesProtobuf, kubernetesProtobufMediaType, ProtobufDecodeError, ProtobufSchemaUnavailableError } from '../protobuf/decode.ts';

export const maxRequestBodyBytes = 3 * 1024 * 1024;
/** What is still read (and dropped) of a refused body, so the client, still sending, can read the 413; beyond it the connection is cut. */
const maxDrainBytes = 4 * 1024 * 1024;
const draining = new WeakSet<IncomingMessage>();

/** Reads and drops the rest of a refused body, up to maxDrainBytes. */
function drain(req: IncomingMessage): void {
  let dropped = 0;
  draining.add(req);
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxDrainBytes) req.destroy();
  });
  req.resume();
}

/** Whether the rest of this request's body is being read and dropped (the connection can then stay open for the answer). */
export function isDrained(req: IncomingMessage): boolean {
  return draining.has(req);
}

export function readBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    // A body declared far too big is not read at all: the connection closes after the answer.
    if (declared <= limit + maxDrainBytes) drain(req);
    return Promise.reject(errors.requestEntityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      refused = true;
      chunks.length = 0;
      req.off('data', onData);
      drain(req);
      reject(errors.requestEntityTooLarge(limit));
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.once('error', (err) => {
      if (!refused) reject(err);
    });
  });
}

export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === kubernetesProtobufMediaType) return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml') {
    const tooDeep = yamlNestingProblem(text);
    if (tooDeep) throw errors.badRequest(`error converting YAML to JSON: ${tooDeep}`);
    try {
      // A key written twice keeps its last value, as go-yaml's (non-strict) decoding keeps it; checking keys for
      // uniqueness is quadratic in the library (a 2 MB flow map took 16 s of the event loop).
      return yaml().parse(text, { maxAliasCount: 100, prettyErrors: false, uniqueKeys: false });
    } catch (err) {
      throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    const json = cutBeyondDepthLimit(text);
    const value: unknown = JSON.parse(json);
    rememberNumberLiterals(value, json);
    rememberDuplicateFields(value, json);
    return value;
  } catch (err) {
    throw errors.badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

function decodeProtobuf(raw: Buffer): unknown {
  try {
    return decodeKubernetesProtobuf(raw);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw errors.badRequest(err.message);
    if (err instanceof ProtobufSchemaUnavailableError) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: 'UnsupportedMediaType', code: 415 });
    }
    throw err;
  }
}
