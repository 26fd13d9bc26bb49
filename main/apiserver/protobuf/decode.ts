// Request bodies in Kubernetes' protobuf media type, which kubectl's typed
// clients send (`kubectl create namespace`, `auth can-i`, drain's evictions):
// the bytes `k8s\0`, then a runtime.Unknown whose typeMeta names the object's
// apiVersion and kind and whose raw field holds the object itself.

import { kubectlDescriptors } from './descriptorSource.ts';
import { ProtobufDecodeError } from './errors.ts';
import { MessageDecoder } from './messageDecoder.ts';
import { protoSchemaOf } from './schema.ts';

export { ProtobufDecodeError, ProtobufSchemaUnavailableError } from './errors.ts';

export const kubernetesProtobufMediaType = 'application/vnd.kubernetes.protobuf';

const magic = Buffer.from('k8s\0', 'latin1');
const envelopeType = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/**
 * The object of a protobuf request body in the JSON form Kubernetes serves it
 * in. Throws ProtobufDecodeError for a malformed body, and
 * ProtobufSchemaUnavailableError when there is no kubectl to read the schema
 * from.
 */
export function decodeKubernetesProtobuf(body: Buffer, env: NodeJS.ProcessEnv = process.env): unknown {
  if (!body.subarray(0, magic.length).equals(magic)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...magic].join(' ')}]`);
  }
  const schema = protoSchemaOf(kubectlDescriptors(env));
  const decoder = new MessageDecoder(schema);
  try {
    const envelope = schema.message(envelopeType);
    if (!envelope) throw new ProtobufDecodeError(`kubectl's schema lacks ${envelopeType}`);
    const fields = decoder.readFields(envelope, body.subarray(magic.length), 0);
    const field = (name: string) => fields.get(envelope.byName.get(name)!);
    const { apiVersion = '', kind = '' } = (field('typeMeta') ?? {}) as { apiVersion?: string; kind?: string };
    const encoding = field('contentEncoding') as string | undefined;
    const contentType = field('contentType') as string | undefined;
    if (encoding) throw new ProtobufDecodeError(`unsupported content encoding "${encoding}" in the protobuf envelope`);
    if (contentType && contentType !== 'application/vnd.kubernetes.protobuf') {
      throw new ProtobufDecodeError(`unsupported content type "${contentType}" in the protobuf envelope`);
    }
    if (!kind) throw new ProtobufDecodeError("Object 'Kind' is missing in the protobuf envelope");
    const type = schema.messageForKind(apiVersion, kind);
    if (!type) {
      throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in the protobuf schema of ${schema.source.binary}`);
    }
    const object = decoder.decode(type, (field('raw') as Uint8Array | undefined) ?? new Uint8Array(0));
    return { apiVersion, kind, ...(object as object) };
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    // protobufjs' Reader reports truncated or corrupt wire data this way.
    throw new ProtobufDecodeError(`the request body is not valid Kubernetes protobuf: ${(err as Error).message}`);
  }
}
