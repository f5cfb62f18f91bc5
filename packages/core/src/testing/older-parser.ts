import { defaultStager, type Stager } from '../stage/steps';

/**
 * An "older parser" for replay tests: the real staging, except that messages of one type
 * are refused with a located diagnostic, as a parser release without support for that type
 * would. The refusal goes through the real path (the outcome step writes the error zone and
 * the catalog rows), so a later replay with the real staging is exactly what `hcdl replay`
 * does after a parser fix.
 */
export function olderParser(rejectedType: string): Stager {
  return (raw, context) => {
    if (context.messageType !== rejectedType) return defaultStager(raw, context);
    return {
      ok: false,
      stage: 'parse',
      diagnostics: [
        {
          code: 'UNSUPPORTED_STRUCTURE',
          severity: 'error',
          message: `this parser version does not read ${rejectedType}`,
          location: 'MSH[1]-9',
          line: 1,
          column: 1,
          segment: 'MSH',
          field: 9,
        },
      ],
    };
  };
}
