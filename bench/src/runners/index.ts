import { oursRunner, stagingRunner, stagingStepRunner } from './ours';
import { hl7StandardRunner, medplumRunner, nodeHl7ClientRunner, simpleHl7Runner } from './peers';
import { referenceRunner } from './reference';
import type { Runner } from './types';

export type { ParseAll, Runner } from './types';

/** Every runner, in the order they are run and printed. */
export const RUNNERS: readonly Runner[] = [
  referenceRunner,
  oursRunner,
  stagingRunner,
  stagingStepRunner,
  simpleHl7Runner,
  medplumRunner,
  hl7StandardRunner,
  nodeHl7ClientRunner,
];

export function findRunner(id: string): Runner | undefined {
  return RUNNERS.find((r) => r.id === id);
}
