// The swagger 2.0 document in gnostic's protobuf form (openapi.v2.Document of
// github.com/google/gnostic openapiv2/OpenAPIv2.proto). client-go's discovery
// client requests /openapi/v2 only as
// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and
// proto-unmarshals the answer, so without this kubectl cannot use the v2
// document at all (explain --output plaintext-openapiv2, apply's v2 patch
// fallback, client-side validation). Only the messages and fields Kubernetes'
// documents use are encoded; vendor extensions travel as YAML, as gnostic
// does (JSON is valid YAML).

import type { Schema } from './schema.ts';

type Value = unknown;

class Writer {
  private readonly chunks: Buffer[] = [];

  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    return value ? this.varint(field, 1) : this;
  }

  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'));
    return this;
  }

  message(field: number, build: ((w: Writer) => void) | undefined): this {
    if (!build) return this;
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private bytes(field: number, data: Buffer): this {
    this.tag(field, 2);
    this.rawVarint(data.length);
    this.chunks.push(data);
    return this;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    const bytes: number[] = [];
    let v = value;
    while (v > 0x7f) {
      bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.chunks.push(Buffer.from(bytes));
  }
}

const obj = (v: Value) => (v ?? {}) as Record<string, Value>;

function vendorExtensions(w: Writer, field: number, source: Record<string, Value>): void {
  for (const [name, value] of Object.entries(source)) {
    if (!name.startsWith('x-')) continue;
    // NamedAny{name, value: Any{yaml}}
    w.message(field, (n) => n.string(1, name).message(2, (a) => a.string(2, JSON.stringify(value))));
  }
}

function schema(w: Writer, s: Schema): void {
  w.string(1, s.$ref).string(2, s.format).string(4, s.description).strings(19, s.required);
  const additional = s.additionalProperties;
  if (typeof additional === 'object') w.message(21, (a) => a.message(1, (x) => schema(x, additional)));
  else if (additional !== undefined) w.message(21, (a) => a.bool(2, additional));
  if (s.type) w.message(22, (t) => t.strings(1, [s.type!]));
  if (s.items) w.message(23, (i) => i.message(1, (x) => schema(x, s.items!)));
  for (const sub of s.allOf ?? []) w.message(24, (x) => schema(x, sub));
  if (s.properties) {
    w.message(25, (p) => {
      for (const [name, prop] of Object.entries(s.properties!)) p.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, prop)));
    });
  }
  vendorExtensions(w, 31, s as Record<string, Value>);
}

function parameter(w: Writer, p: Record<string, Value>): void {
  // ParametersItem{parameter: Parameter{body_parameter | non_body_parameter}}
  w.message(1, (param) => {
    if (p.in === 'body') {
      param.message(1, (b) => b.string(1, p.description as string).string(2, p.name as string).string(3, 'body').bool(4, p.required as boolean).message(5, (x) => schema(x, p.schema as Schema)));
      return;
    }
    param.message(2, (nb) => {
      if (p.in === 'path') {
        nb.message(4, (q) => q.bool(1, p.required as boolean).string(2, 'path').string(3, p.description as string).string(4, p.name as string).string(5, p.type as string).bool(19, p.uniqueItems as boolean));
      } else {
        nb.message(3, (q) => q.bool(1, p.required as boolean).string(2, 'query').string(3, p.description as string).string(4, p.name as string).string(6, p.type as string).bool(20, p.uniqueItems as boolean));
      }
    });
  });
}

function operation(w: Writer, op: Record<string, Value>): void {
  w.strings(1, op.tags as string[]).string(3, op.description as string).string(5, op.operationId as string);
  w.strings(6, op.produces as string[]).strings(7, op.consumes as string[]);
  for (const p of (op.parameters as Record<string, Value>[] | undefined) ?? []) w.message(8, (x) => parameter(x, p));
  w.message(9, (responses) => {
    for (const [code, response] of Object.entries(obj(op.responses))) {
      const r = obj(response);
      responses.message(1, (named) =>
        named.string(1, code).message(2, (value) =>
          value.message(1, (resp) => {
            resp.string(1, r.description as string);
            if (r.schema) resp.message(2, (item) => item.message(1, (x) => schema(x, r.schema as Schema)));
          }),
        ),
      );
    }
  });
  w.strings(10, op.schemes as string[]);
  vendorExtensions(w, 13, op);
}

const pathItemFields: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

/** Encodes a swagger 2.0 document (as built by buildOpenAPIV2) as a gnostic openapi.v2.Document. */
export function encodeOpenAPIV2Protobuf(document: object): Buffer {
  const doc = obj(document);
  const w = new Writer();
  w.string(1, doc.swagger as string);
  w.message(2, (info) => info.string(1, obj(doc.info).title as string).string(2, obj(doc.info).version as string));
  w.message(8, (paths) => {
    for (const [path, item] of Object.entries(obj(doc.paths))) {
      paths.message(2, (named) =>
        named.string(1, path).message(2, (pi) => {
          const it = obj(item);
          for (const [method, field] of Object.entries(pathItemFields)) {
            if (it[method]) pi.message(field, (x) => operation(x, obj(it[method])));
          }
          for (const p of (it.parameters as Record<string, Value>[] | undefined) ?? []) pi.message(9, (x) => parameter(x, p));
        }),
      );
    }
  });
  w.message(9, (defs) => {
    for (const [name, s] of Object.entries(obj(doc.definitions))) defs.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, s as Schema)));
  });
  return w.finish();
}
