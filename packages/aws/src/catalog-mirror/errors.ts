import { AwsAdapterError } from '../errors';

/**
 * The catalog write succeeded but its mirror under `catalog/` could not be written. The write
 * call fails with this error (cause kept) so the event is retried: the mirror is rewritten
 * from the catalog's state on the retry, and never silently diverges. The message names the
 * view and our own ids only, never an identifier or any message content.
 */
export class CatalogMirrorError extends AwsAdapterError {
  constructor(
    message: string,
    readonly view: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CatalogMirrorError';
  }
}
