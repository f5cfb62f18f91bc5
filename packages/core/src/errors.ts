/** Base of the application core's errors (the lake's own errors pass through as they are). */
export class CoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
  }
}

/** What a use-case may find missing in the lake. */
export type LakeObjectKind = 'catalog row' | 'raw object' | 'staging output' | 'refined object';

/**
 * An object or row a use-case was pointed at is not in the lake (a lost write, or an event
 * for another lake). The run fails so the event is retried and then dead-lettered. Names
 * only ids we generate and the kind of thing missing.
 */
export class MissingLakeObjectError extends CoreError {
  constructor(what: LakeObjectKind, messageId: string, options?: { cause?: unknown }) {
    super(`${what} missing for message ${messageId}`, options);
    this.name = 'MissingLakeObjectError';
  }
}

/** A hand-off between two steps (a Step Functions state) that is not what the step expects. */
export class StepInputError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepInputError';
  }
}
