/**
 * Property: for random VALID messages the layers above the parser keep everything:
 * the staging JSON holds every leaf (no value dropped), grouping places every segment exactly
 * once, and the ACK swaps sender and receiver value for value and echoes MSH-10.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { buildAck, groupMessage, parseMessage, toStagingJsonText, validateMessage, type MatchedNode, type StagingDocument } from '../../src/index';
import { referenceStagingText } from '../schema/reference';
import { missingLeaves } from '../schema/leaves';
import { encodeModel, messageArb } from './arbitraries';

const RUNS = { numRuns: 200 };

function indexes(nodes: readonly MatchedNode[]): number[] {
  return nodes.flatMap((n) => (n.kind === 'segment' ? [n.index] : indexes(n.children)));
}

describe('random valid messages through the pipeline', () => {
  it("staging JSON drops no value, and its text is the reference writer's", () => {
    fc.assert(
      fc.property(messageArb, (model) => {
        const m = parseMessage(encodeModel(model));
        const text = toStagingJsonText(m);
        expect(missingLeaves(m, JSON.parse(text) as StagingDocument)).toEqual([]);
        expect(text).toBe(referenceStagingText(m));
      }),
      RUNS,
    );
  });

  it('is stageable: a well-formed message never goes to the error zone (warnings only)', () => {
    fc.assert(
      fc.property(messageArb, (model) => {
        const errors = validateMessage(parseMessage(encodeModel(model))).filter((d) => d.severity === 'error');
        expect(errors).toEqual([]);
      }),
      RUNS,
    );
  });

  it('groupMessage places every segment exactly once, in message order', () => {
    fc.assert(
      fc.property(messageArb, (model) => {
        const m = parseMessage(encodeModel(model));
        expect(indexes(groupMessage(m))).toEqual(m.segments.map((_, i) => i));
      }),
      RUNS,
    );
  });

  it('the ACK swaps MSH-3..6 value for value and echoes MSH-10 in MSA-2', () => {
    fc.assert(
      fc.property(messageArb, fc.constantFrom('AA', 'AE', 'AR', 'CA', 'CE', 'CR' as const), (model, code) => {
        const m = parseMessage(encodeModel(model));
        const ack = parseMessage(buildAck(m, { code }));
        expect(ack.diagnostics).toEqual([]);
        expect(ack.get('MSA-1')).toBe(code);
        expect(ack.get('MSA-2')).toBe(m.get('MSH-10'));
        const msh = m.segments[0];
        const amsh = ack.segments[0];
        expect([amsh?.field(3), amsh?.field(4), amsh?.field(5), amsh?.field(6)]).toEqual([msh?.field(5), msh?.field(6), msh?.field(3), msh?.field(4)]);
      }),
      RUNS,
    );
  });
});
