import { AwsAdapterError } from '../errors';

/** A core ingest request or answer that does not follow the protocol (names fields only). */
export class CoreIngestProtocolError extends AwsAdapterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreIngestProtocolError';
  }
}

/**
 * Core-writer's ingest function failed (a function error, or the invoke itself failed).
 * `remoteError` is the error class the function reported (never its message: it may quote
 * input); the message was not made durable, so the front door must not answer 2xx.
 */
export class CoreIngestInvokeError extends AwsAdapterError {
  readonly remoteError: string | undefined;
  readonly functionError: string | undefined;
  constructor(message: string, details: { remoteError?: string; functionError?: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreIngestInvokeError';
    this.remoteError = details.remoteError;
    this.functionError = details.functionError;
  }
}
