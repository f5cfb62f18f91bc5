import type { Claims } from '../abac';

/**
 * The transport-neutral HTTP exchange of the lake's routes: the local server and the API
 * Gateway adapters translate their requests into HttpRequest (the token already verified)
 * and write HttpResult back. Declared here so the application core and the transport
 * adapters share one shape without depending on each other.
 */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** Verified token claims; undefined when there is no valid token. */
  claims: Claims | undefined;
  body?: Uint8Array;
  /** The client's address as the transport saw it (the audit trail's "from where"). */
  client?: string;
}

/** Bodies are text, or bytes (`/raw`). */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}
