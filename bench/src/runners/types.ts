/** A parse-and-materialize function: returns the number of leaf values it produced. */
export type ParseAll = (message: string) => number;

export interface Runner {
  /** Short id used on the command line (`--only`). */
  readonly id: string;
  /** Label printed in the results table. */
  readonly label: string;
  /** Whether this runner is an npm peer (used for the "fastest peer" ratio). */
  readonly kind: 'ours' | 'peer' | 'reference' | 'staging';
  /** Loads the library and returns the parse function, or throws when it cannot run here. */
  load(): Promise<ParseAll>;
}
