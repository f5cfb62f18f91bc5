/**
 * Logging port of the application and its adapters (Powertools Logger satisfies it; so
 * does a console-backed logger). Pass ids, counts, codes and error names only: never a
 * message body, a patient name or an identifier.
 */
export interface LogPort {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
