import { describe, expect, it } from '@jest/globals';
import { buildAck } from '@hcdl/hl7v2';
import { readAck } from '../../src/cli/ingest/mllp-sender';

const header = (version: string) => ({ controlId: 'C-1', version, triggerEvent: 'A01' });
const text = 'duplicate of message 01JB0000000000000000000000; already stored';

describe('readAck: the code and text an ACK carries, on every version', () => {
  it('reads MSA-3 before v2.7 and ERR-8 from v2.7 on (MSA-3 withdrawn)', () => {
    for (const version of ['2.3', '2.5.1', '2.7', '2.8']) {
      const ack = buildAck(header(version), { code: 'AA', text });
      expect([version, readAck(Buffer.from(ack, 'latin1'))]).toEqual([version, { code: 'AA', text }]);
    }
  });

  it('answers undefined for an answer that is not an ACK', () => {
    expect(readAck(Buffer.from('MSH|^~\\&|A|B\rPID|1\r', 'latin1'))).toBeUndefined();
  });
});
