/**
 * A parse-and-materialize function: returns the number of leaf values it produced. It gets the
 * message as text and as its UTF-8 bytes (both made before timing); a runner reads the form
 * its library takes as input.
 */
export type ParseAll = (message: string, bytes: Uint8Array) => number;

export interface Runner {
  /** Short id used on the command line (`--only`). */
  readonly id: string;
  /** Label printed in the results table. */
  readonly label: string;
  /** Whether this runner is an npm peer (used for the "fastest peer" ratio). */
  readonly kind: 'ours' | 'peer' | 'reference' | 'staging' | 'staging-step';
  /** Loads the library and returns the parse function, or throws when it cannot run here. */
  load(): Promise<ParseAll>;
}
