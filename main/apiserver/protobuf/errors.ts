// The two ways a protobuf request body can fail, kept apart because the API
// server answers them differently: a body that is not what it claims to be is
// the client's mistake (400), while a missing schema is PodLab's limitation and
// the client can fix it by sending JSON (415).

/** The body is not a well-formed Kubernetes protobuf object. */
export class ProtobufDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

/** No kubectl binary (and so no schema) to decode protobuf with. */
export class ProtobufSchemaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufSchemaUnavailableError';
  }
}
