/** Base of core-writer's errors (the lake's own errors pass through as they are). */
export class CoreWriterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreWriterError';
  }
}

/**
 * An object or row the event points at is not in the lake (a lost write, or an event for
 * another lake). The invocation fails so the event is retried and then dead-lettered.
 * Names only ids we generate and the kind of thing missing.
 */
export class MissingLakeObjectError extends CoreWriterError {
  constructor(what: 'catalog row' | 'raw object' | 'staging output' | 'landed request', messageId: string, options?: { cause?: unknown }) {
    super(`${what} missing for message ${messageId}`, options);
    this.name = 'MissingLakeObjectError';
  }
}
