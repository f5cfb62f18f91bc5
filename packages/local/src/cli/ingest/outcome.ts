/** What became of one file sent to the lake. */
export type FileOutcome =
  /** Stored: how many of its messages are new, how many the lake already had. */
  | { kind: 'sent'; ingested: number; duplicate: number; attempts: number }
  /** Refused by the lake (not HL7, too large, not allowed): sending it again changes nothing. */
  | { kind: 'rejected'; status: number; code: string; reason: string; messageId?: string; attempts: number }
  /** Could not be delivered (no answer, server errors) after every retry: send it again later. */
  | { kind: 'failed'; reason: string; attempts: number };

export type Sender = (bytes: Uint8Array) => Promise<FileOutcome>;

/** Retry policy: exponential backoff with jitter, at most `retries` retries. */
export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

/** The wait before retry number `attempt` (1-based): full backoff with half of it jittered. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
