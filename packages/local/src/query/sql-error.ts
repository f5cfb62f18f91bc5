import { errorText } from './errors';

/**
 * DuckDB's message without the "Possible solutions" advice it appends: the error kind, the
 * reason and, for parser and binder errors, the `LINE n:` excerpt with its caret.
 */
export function sqlErrorText(err: unknown): string {
  return errorText(err)
    .split(/\n\s*\nPossible solutions:|\nPossible solutions:/)[0]!
    .trimEnd();
}
