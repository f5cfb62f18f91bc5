/** Base of the domain's errors; adapters translate their SDK errors into these. */
export class LakeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LakeError';
  }
}

export class NotFoundError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** A conditional write lost: the item exists, or its status was not the expected one. */
export class CatalogConflictError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogConflictError';
  }
}

export class ObjectAlreadyExistsError extends LakeError {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`object already exists: ${key}`, options);
    this.name = 'ObjectAlreadyExistsError';
  }
}

export class AccessDeniedError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccessDeniedError';
  }
}

export class ValidationError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

/** A port used after it was closed (the process is stopping): nothing was done. */
export class PortClosedError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortClosedError';
  }
}

/** A resource version lost a race: the resource's current version is not the one the write expected. */
export class ResourceConflictError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResourceConflictError';
  }
}

/**
 * A message row refused because another message of the same source with the same content
 * hash holds the claim of the dedup window (Catalog.putMessage with `claimUntil`). Carries
 * that message's id: the resend is answered with it.
 */
export class ContentClaimedError extends CatalogConflictError {
  constructor(
    readonly messageId: string,
    options?: { cause?: unknown },
  ) {
    super(`the content is already held by message ${messageId}`, options);
    this.name = 'ContentClaimedError';
  }
}
