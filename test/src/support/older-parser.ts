import { createOutcomePublisher, createStaging } from '@hcdl/fn-staging-er7';
import type { LakeOptions } from './harness';

/**
 * An "older parser" for replay tests: the real staging-er7 steps, except that messages of
 * one type are rejected with a located diagnostic, as a parser release without support for
 * that type would. The rejection goes through the real path (`failed` on the hub, core
 * writes the error zone and catalog rows), so a later replay with the real staging step is
 * exactly what `hcdl replay` does after a parser fix.
 */
export function olderParser(rejectedType: string): NonNullable<LakeOptions['staging']> {
  return (deps) => {
    const real = createStaging(deps);
    const publish = createOutcomePublisher(deps);
    return async (event) => {
      const record = await deps.catalog.getMessage(String(event.body.messageId));
      if (record === undefined || record.messageType !== rejectedType) return real(event);
      const diagnostic = {
        code: 'UNSUPPORTED_STRUCTURE',
        severity: 'error' as const,
        message: `this parser version does not read ${rejectedType}`,
        location: 'MSH[1]-9',
        line: 1,
        column: 1,
      };
      return publish(record, Number(event.body.attempt), { ok: false, diagnostics: [diagnostic] });
    };
  };
}
