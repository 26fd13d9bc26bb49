// What the API server gets from the schema: patches, unknown-field checks and
// the OpenAPI documents, behind the interfaces the dispatcher and the HTTP
// front declare. Patch errors become the Status errors the front sends.

import type { SchemaServices } from '../dispatcher.ts';
import { StatusError } from '../errors.ts';
import type { OpenApiDocuments } from '../http/server.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { applyPatch } from '../patch/applyPatch.ts';
import { PatchError } from '../patch/patchError.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { OpenAPIDocuments, notModified, openAPIV2ProtobufType, type ServedDocument } from './documents.ts';
import { findUnknownFields, pruneUnknownFields } from './fieldValidation.ts';
import type { Definitions, GroupVersionKind } from './schema.ts';
import { SchemaLookup } from './schemaLookup.ts';
import { TypedDecoder } from './typedDecode.ts';

export interface OpenApiDocumentServer extends OpenApiDocuments {
  /**
   * The document at `path` (`/openapi/v2`, `/openapi/v3`, `/openapi/v3/apis/apps/v1`; no query string).
   * Pass the request's Accept header so that /openapi/v2 is answered in protobuf to client-go,
   * which asks only for that; send the returned `contentType`. `notModified` says whether
   * If-None-Match matched (answer 304 with the ETag).
   */
  document(path: string, accept?: string, ifNoneMatch?: string): (ServedDocument & { notModified: boolean }) | undefined;
  readonly documents: OpenAPIDocuments;
}

export interface PodLabSchemaServices extends SchemaServices {
  /** The built-in definitions plus the custom ones set last. */
  readonly lookup: SchemaLookup;
  openapi(resources: ResourceDefinition[]): OpenApiDocumentServer;
  /** The definitions of custom resources (CRD versions), served and used from now on next to the built-in ones. */
  setCustomDefinitions(definitions: Definitions): void;
}

export function createSchemaServices(base: SchemaLookup = SchemaLookup.kubernetes()): PodLabSchemaServices {
  let lookup = base;
  return {
    get lookup() {
      return lookup;
    },
    setCustomDefinitions(definitions: Definitions) {
      lookup = Object.keys(definitions).length === 0 ? base : new SchemaLookup({ ...base.definitions, ...definitions });
    },
    applyPatch(contentType: string, current: KubeObject, patch: unknown, gvk: GroupVersionKind): KubeObject {
      try {
        return applyPatch(contentType, current, patch, lookup, gvk);
      } catch (err) {
        if (err instanceof PatchError) throw toStatusError(err);
        throw err;
      }
    },
    unknownFields: (obj, gvk) => findUnknownFields(obj, gvk, lookup),
    prune: (obj, gvk) => {
      pruneUnknownFields(obj, gvk, lookup);
    },
    decodeError: (obj, gvk) => new TypedDecoder(lookup).check(obj, gvk),
    openapi(resources) {
      const documents = new OpenAPIDocuments(resources, lookup);
      return {
        documents,
        document(path: string, accept?: string, ifNoneMatch?: string) {
          const doc = find(documents, path, accept);
          return doc && { ...doc, notModified: notModified(doc, ifNoneMatch) };
        },
      };
    },
  };
}

function find(documents: OpenAPIDocuments, path: string, accept: string | undefined): ServedDocument | undefined {
  const clean = path.replace(/\/+$/, '');
  if (clean === '/openapi/v2') return wantsProtobuf(accept) ? documents.v2Protobuf() : documents.v2();
  if (clean === '/openapi/v3') return documents.v3Root();
  if (clean.startsWith('/openapi/v3/')) return documents.v3(clean.slice('/openapi/v3/'.length));
  return undefined;
}

/** The first of JSON or gnostic protobuf that the Accept header lists; JSON when it names neither (or is absent). */
function wantsProtobuf(accept: string | undefined): boolean {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0].trim();
    if (type === openAPIV2ProtobufType || type === 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf') return true;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}

function toStatusError(err: PatchError): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code });
}
