/** Base of every error this package throws; match with `instanceof`. */
export class FhirMappingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FhirMappingError';
  }
}

/** The message cannot be converted at all (no MSH, or no segment the mapping can start from). */
export class FhirUnconvertibleError extends FhirMappingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FhirUnconvertibleError';
  }
}

/** The conversion context is unusable (missing message id, malformed patient id override). */
export class FhirContextError extends FhirMappingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FhirContextError';
  }
}
