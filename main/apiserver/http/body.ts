// Request bodies: bounded in size (kube-apiserver refuses bodies over 3 MiB
// with 413), decoded from JSON, YAML or Kubernetes protobuf, with decode errors
// as 400 BadRequest.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { errors, StatusError } from '../errors.ts';
import { rememberDuplicateFields } from './jsonDuplicates.ts';
import { rememberNumberLiterals } from './jsonNumbers.ts';
import { decodeKubernetesProtobuf, kubernetesProtobufMediaType, ProtobufDecodeError, ProtobufSchemaUnavailableError } from '../protobuf/decode.ts';

export const maxRequestBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw errors.requestEntityTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw errors.requestEntityTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === kubernetesProtobufMediaType) return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml') {
    try {
      return parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
    } catch (err) {
      throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    const value: unknown = JSON.parse(text);
    rememberNumberLiterals(value, text);
    rememberDuplicateFields(value, text);
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
