/**
 * Content claims (docs/adr/0014-crash-safe-dedup-and-mllp-hardening.md): besides each
 * deduplicated message row the catalog keeps one claim per (source, content hash), written in
 * the same write as the row, so the catalog itself refuses a second row for the same content
 * within the dedup window, whatever state the idempotency record was left in by a crash.
 */
export interface ContentClaim {
  source: string;
  contentHash: string;
  /** The message whose row holds the claim. */
  messageId: string;
  /** End of the claim (the dedup window), epoch seconds. */
  expiresAt: number;
}

/** Options of Catalog.putMessage. */
export interface PutMessageOptions {
  /**
   * Epoch seconds: also claim (record.source, record.contentHash) until then, in the same
   * write; refused with ContentClaimedError while another row's claim has not expired.
   */
  claimUntil?: number;
}

/** A claim still in force at `nowMs` (an expired claim is as good as absent). */
export function claimInForce(claim: ContentClaim | undefined, nowMs: number = Date.now()): ContentClaim | undefined {
  return claim !== undefined && claim.expiresAt * 1000 > nowMs ? claim : undefined;
}

/** Where a claim of the window starting now ends (epoch seconds). */
export function claimEnd(windowSeconds: number, nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000) + windowSeconds;
}
