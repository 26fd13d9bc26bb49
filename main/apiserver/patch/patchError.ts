// Why a patch could not be applied, in the terms the API server answers
// with: Kubernetes returns 400 BadRequest for a body it cannot read, 422
// (reason Invalid) when a well-formed patch does not apply to the object,
// and 415 UnsupportedMediaType for a patch type it does not accept; 413
// RequestEntityTooLarge for a JSON patch of too many operations.

export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'UnsupportedMediaType' | 'RequestEntityTooLarge';

const codes: Record<PatchErrorReason, number> = { BadRequest: 400, Invalid: 422, UnsupportedMediaType: 415, RequestEntityTooLarge: 413 };

export class PatchError extends Error {
  readonly code: number;

  constructor(
    readonly reason: PatchErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
    this.code = codes[reason];
  }
}

export const badRequest = (message: string) => new PatchError('BadRequest', message);
export const invalid = (message: string) => new PatchError('Invalid', message);
