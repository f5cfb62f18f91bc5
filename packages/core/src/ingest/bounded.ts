import type { Diagnostic } from '@hcdl/hl7v2';

/** Longest diagnostic text kept or sent: a diagnostic may quote sender text (MSH-18, a segment id). */
export const MAX_DIAGNOSTIC_TEXT = 300;

/** A diagnostic whose message is cut to MAX_DIAGNOSTIC_TEXT characters (with an ellipsis), whatever the sender sent. */
export function boundedDiagnostic(d: Diagnostic): Diagnostic {
  if (d.message.length <= MAX_DIAGNOSTIC_TEXT && d.location.length <= MAX_DIAGNOSTIC_TEXT) return d;
  return { ...d, message: cut(d.message), location: cut(d.location) };
}

const cut = (text: string): string => (text.length <= MAX_DIAGNOSTIC_TEXT ? text : `${text.slice(0, MAX_DIAGNOSTIC_TEXT - 1)}…`);
