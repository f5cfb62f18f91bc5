import { describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { demographicsDisagree, pidDemographics } from '../../src/patient-index/demographics';

const pid = (fields: string) => parseMessage(`MSH|^~\\&|A|F|L|H|20240102||ADT^A01|1|P|2.5\rPID|${fields}`).segmentsById('PID')[0]!;

describe('demographics of a PID', () => {
  it('takes family and given name, birth date digits and sex', () => {
    expect(pidDemographics(pid('1||1^^^H^MR||DOE&VAN^JANE^Q||198003151230+0100|f'))).toEqual({
      familyName: 'DOE',
      givenName: 'JANE',
      birthDate: '19800315',
      sex: 'F',
    });
    expect(pidDemographics(pid('1||1^^^H^MR||DOE||198003|'))).toEqual({ familyName: 'DOE', birthDate: '198003' });
    // The corpus writes 00000000 for "no birth date".
    expect(pidDemographics(pid('1||1^^^H^MR||||00000000|M'))).toEqual({ sex: 'M' });
    expect(pidDemographics(pid('1||1'))).toEqual({});
  });

  it('disagrees on a birth date that differs on the precision both give, or on two stated sexes', () => {
    expect(demographicsDisagree({ birthDate: '1980' }, { birthDate: '19800315' })).toEqual([]);
    expect(demographicsDisagree({ birthDate: '19800316' }, { birthDate: '19800315' })).toEqual(['birthDate']);
    expect(demographicsDisagree({ birthDate: '1981' }, { birthDate: '19800315' })).toEqual(['birthDate']);
    expect(demographicsDisagree({ sex: 'M' }, { sex: 'F' })).toEqual(['sex']);
    expect(demographicsDisagree({ sex: 'U' }, { sex: 'F' })).toEqual([]);
    expect(demographicsDisagree({ sex: 'F', birthDate: '1980' }, {})).toEqual([]);
    // Names are kept for review, never compared: people change names.
    expect(demographicsDisagree({ familyName: 'DOE' }, { familyName: 'ROE' })).toEqual([]);
  });
});
