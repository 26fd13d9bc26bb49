// The API server's view of the schema (resources/openapi/definitions.json):
// patches, unknown-field checks, and the OpenAPI documents, with content
// negotiation and ETags as kube-openapi serves them.

import { StatusError } from './errors.ts';
import type { SchemaServices } from './dispatcher.ts';
import type { OpenApiDocuments } from './http/server.ts';
import { notModified, OpenAPIDocuments, openAPIV2ProtobufType, type ServedDocument } from './openapi/documents.ts';
import { findUnknownFields, pruneUnknownFields } from './openapi/fieldValidation.ts';
import { SchemaLookup } from './openapi/schemaLookup.ts';
import { applyPatch } from './patch/applyPatch.ts';
import { PatchError } from './patch/patchError.ts';
import type { ResourceDefinition } from './registry/resourceDefinition.ts';

function patchStatus(err: PatchError): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: err.reason, message: err.message, code: err.code });
}

export function createSchemaServices(lookup = SchemaLookup.kubernetes()): SchemaServices {
  return {
    applyPatch(contentType, current, patch, gvk) {
      try {
        return applyPatch(contentType, current, patch, lookup, gvk);
      } catch (err) {
        if (err instanceof PatchError) throw patchStatus(err);
        throw err;
      }
    },
    unknownFields: (obj, gvk) => findUnknownFields(obj, gvk, lookup),
    prune: (obj, gvk) => void pruneUnknownFields(obj, gvk, lookup),
  };
}

/** Picks the v2 encoding the client accepts: client-go asks for protobuf only, browsers and curl for JSON. */
function wantsProtobuf(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim());
  return types.includes(openAPIV2ProtobufType) && !types.some((t) => t === 'application/json' || t === '*/*');
}

export function openApiServing(definitions: ResourceDefinition[], lookup = SchemaLookup.kubernetes()): OpenApiDocuments {
  const documents = new OpenAPIDocuments(definitions, lookup);
  return {
    document(path, accept, ifNoneMatch) {
      let doc: ServedDocument | undefined;
      if (path === '/openapi/v2') doc = wantsProtobuf(accept) ? documents.v2Protobuf() : documents.v2();
      else if (path === '/openapi/v3') doc = documents.v3Root();
      else if (path.startsWith('/openapi/v3/')) doc = documents.v3(path.slice('/openapi/v3/'.length));
      if (!doc) return undefined;
      return { body: doc.body, etag: doc.etag, contentType: doc.contentType, notModified: notModified(doc, ifNoneMatch) };
    },
  };
}
