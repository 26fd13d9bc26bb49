// The message types of kubectl's embedded descriptors, with what the
// descriptors alone do not say about Kubernetes' JSON: which Go fields are
// pointers, which are inlined, and the few JSON names that differ.

import { createRequire } from 'node:module';
import type Protobuf from 'protobufjs';
import { lazyModule } from '../../lazyModule.ts';

const protobufjs = lazyModule<typeof Protobuf>('protobufjs');
import type { EmbeddedProtoFile, KubectlDescriptors } from './descriptorSource.ts';

/** google.protobuf.FieldDescriptorProto.Type values. */
export const FieldType = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  group: 10,
  message: 11,
  bytes: 12,
  uint32: 13,
  enum: 14,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
} as const;

export interface ProtoField {
  number: number;
  protoName: string;
  jsonName: string;
  type: number;
  /** Full name of the message type, without the leading dot. */
  typeName?: string;
  repeated: boolean;
  /**
   * A Go pointer (or slice/map): present on the wire only when set, so a
   * present zero value is meaningful (`replicas: 0`). Non-nullable Go values
   * are always marshalled, and their zero values mean "unset".
   */
  nullable: boolean;
  /** A Go embedded struct tagged `json:",inline"`: its fields belong to the parent. */
  inline: boolean;
}

export interface ProtoMessage {
  fullName: string;
  fields: ProtoField[];
  byNumber: Map<number, ProtoField>;
  byName: Map<string, ProtoField>;
  /** The synthetic `XxxEntry` type of a `map<K, V>` field. */
  mapEntry: boolean;
}

// The subset of the descriptor messages read here, as protobufjs decodes them.
interface FieldDescriptor {
  name: string;
  number: number;
  label: number;
  type: number;
  typeName: string;
  options?: { gogoNullable?: boolean; gogoCustomname?: string } | null;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  options?: { mapEntry?: boolean } | null;
}
interface FileDescriptor {
  messageType: MessageDescriptor[];
}

const labelRepeated = 3;

let fileDescriptorType: Protobuf.Type | undefined;

function fileDescriptorProto(): Protobuf.Type {
  if (!fileDescriptorType) {
    const require = createRequire(import.meta.url);
    const root = protobufjs().Root.fromJSON(require('protobufjs/google/protobuf/descriptor.json') as Protobuf.INamespace);
    // go-to-protobuf records the Go side of each field in gogoproto's field
    // options (github.com/gogo/protobuf/gogoproto/gogo.proto numbers them):
    // nullable=false marks a non-pointer field, customname the Go field name.
    root
      .lookupType('google.protobuf.FieldOptions')
      .add(new (protobufjs().Field)('gogoNullable', 65001, 'bool'))
      .add(new (protobufjs().Field)('gogoCustomname', 65004, 'string'));
    fileDescriptorType = root.lookupType('google.protobuf.FileDescriptorProto');
  }
  return fileDescriptorType;
}

// Go embedded structs tagged `json:",inline"`, by proto field name and type:
// go-to-protobuf gives them a field like any other, and no option marks them.
const inlineFields = new Set([
  'volumeSource:VolumeSource',
  'persistentVolumeSource:PersistentVolumeSource',
  'handler:ProbeHandler',
  'ephemeralContainerCommon:EphemeralContainerCommon',
  'ingressRuleValue:IngressRuleValue',
  'localObjectReference:LocalObjectReference',
  'rule:Rule',
  'ruleWithOperations:RuleWithOperations',
  'deviceConfiguration:DeviceConfiguration',
]);

// Proto field names are the JSON names, except a few that kept their Go name
// for wire compatibility (admissionregistration's `Expression`, `Webhooks`);
// of those, only DaemonEndpoint's JSON name is capitalized too.
const capitalizedJsonNames = new Set(['DaemonEndpoint.Port']);

function jsonNameOf(messageName: string, fieldName: string): string {
  if (!/^[A-Z]/.test(fieldName) || capitalizedJsonNames.has(`${messageName}.${fieldName}`)) return fieldName;
  return fieldName[0].toLowerCase() + fieldName.slice(1);
}

export class KubernetesProtoSchema {
  private readonly descriptors = new Map<string, MessageDescriptor>();
  private readonly compiled = new Map<string, ProtoMessage>();
  /** Files by package, decoded on the first lookup in the package: most requests need core/v1 and meta/v1 only. */
  private readonly pending = new Map<string, EmbeddedProtoFile[]>();
  private readonly packages: string[];

  constructor(readonly source: KubectlDescriptors) {
    for (const file of source.files) this.pending.set(file.package, [...(this.pending.get(file.package) ?? []), file]);
    // Longest first, so a message resolves to its innermost package.
    this.packages = [...this.pending.keys()].sort((a, b) => b.length - a.length);
  }

  private load(fullName: string): void {
    const pkg = this.packages.find((p) => fullName.startsWith(`${p}.`)) ?? '';
    const files = this.pending.get(pkg) ?? [];
    this.pending.delete(pkg);
    for (const { descriptor } of files) this.index(pkg, (fileDescriptorProto().decode(descriptor) as unknown as FileDescriptor).messageType);
  }

  private index(scope: string, messages: MessageDescriptor[]): void {
    for (const message of messages) {
      const fullName = `${scope}.${message.name}`;
      this.descriptors.set(fullName, message);
      this.index(fullName, message.nestedType);
    }
  }

  /** A message type by full name (`k8s.io.api.core.v1.Pod`), compiled on first use. */
  message(fullName: string): ProtoMessage | undefined {
    const done = this.compiled.get(fullName);
    if (done) return done;
    if (!this.descriptors.has(fullName)) this.load(fullName);
    const found = this.descriptors.get(fullName);
    if (!found) return undefined;
    const fields = found.field.map((field) => this.compileField(found.name, field));
    const message: ProtoMessage = {
      fullName,
      fields: fields.sort((a, b) => a.number - b.number),
      byNumber: new Map(fields.map((f) => [f.number, f])),
      byName: new Map(fields.map((f) => [f.protoName, f])),
      mapEntry: found.options?.mapEntry === true,
    };
    this.compiled.set(fullName, message);
    return message;
  }

  private compileField(messageName: string, field: FieldDescriptor): ProtoField {
    const typeName = field.typeName ? field.typeName.replace(/^\./, '') : undefined;
    const typeShortName = typeName?.slice(typeName.lastIndexOf('.') + 1);
    const options = field.options;
    const nullable = !(options && Object.hasOwn(options, 'gogoNullable') && options.gogoNullable === false);
    return {
      number: field.number,
      protoName: field.name,
      jsonName: jsonNameOf(messageName, field.name),
      type: field.type,
      typeName,
      repeated: field.label === labelRepeated,
      nullable,
      inline: !nullable && options?.gogoCustomname === typeShortName && inlineFields.has(`${field.name}:${typeShortName}`),
    };
  }

  /**
   * The message of a group/version/kind: `k8s.io.api.<group>.<version>.<Kind>`
   * (the core group is `core`, a group's package is named after its first DNS
   * label, or the first two reversed: internal.apiserver → apiserverinternal),
   * else the meta/v1 types every group version registers (DeleteOptions, ...).
   */
  messageForKind(apiVersion: string, kind: string): ProtoMessage | undefined {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash === -1 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const labels = group ? group.split('.') : ['core'];
    const candidates = [`k8s.io.api.${labels[0]}.${version}`, `k8s.io.api.${labels[1] ?? ''}${labels[0]}.${version}`];
    for (const pkg of this.packages) if (pkg.endsWith(`.${labels[0]}.${version}`)) candidates.push(pkg);
    candidates.push('k8s.io.apimachinery.pkg.apis.meta.v1');
    for (const pkg of candidates) {
      const message = this.message(`${pkg}.${kind}`);
      if (message) return message;
    }
    return undefined;
  }
}

const schemas = new WeakMap<KubectlDescriptors, KubernetesProtoSchema>();

/** The schema of a scan, built once per scan. */
export function protoSchemaOf(source: KubectlDescriptors): KubernetesProtoSchema {
  let schema = schemas.get(source);
  if (!schema) {
    schema = new KubernetesProtoSchema(source);
    schemas.set(source, schema);
  }
  return schema;
}
