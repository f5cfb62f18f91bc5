import { describe, expect, it } from '@jest/globals';
import { resolveVersion } from '../../src/schema/version';
import { resolveStructure } from '../../src/schema/structure';

describe('resolveVersion (MSH-12 -> dictionary version)', () => {
  it.each([
    ['2.8.1', '2.8.1', true],
    ['2.5.1^USA', '2.5.1', true],
    ['2.1', '2.3', false],
    ['2.2', '2.3', false],
    ['2.6.1', '2.6', false],
    ['2.7.1', '2.7', false],
    ['2.9', '2.8.2', false],
    ['V2.4', '2.4', true],
  ])('%s -> %s', (sent, expected, exact) => {
    const r = resolveVersion(sent);
    expect(r.dictionaryVersion).toBe(expected);
    expect(r.exact).toBe(exact);
    expect(r.warning).toBeUndefined();
  });

  it('falls back to 2.5.1 with a warning when missing or not HL7 v2', () => {
    expect(resolveVersion(undefined)).toMatchObject({ dictionaryVersion: '2.5.1', warning: 'VERSION_MISSING' });
    expect(resolveVersion(' ')).toMatchObject({ dictionaryVersion: '2.5.1', warning: 'VERSION_MISSING' });
    expect(resolveVersion('3.0')).toMatchObject({ dictionaryVersion: '2.5.1', warning: 'VERSION_UNKNOWN' });
    expect(resolveVersion('abc')).toMatchObject({ dictionaryVersion: '2.5.1', warning: 'VERSION_UNKNOWN' });
  });
});

describe('resolveStructure', () => {
  it('prefers MSH-9.3 when it is a structure of the version', () => {
    expect(resolveStructure({ messageCode: 'RSP', triggerEvent: 'K22', structureId: 'RSP_K21', version: '2.5' })).toMatchObject({
      structure: 'RSP_K21',
      source: 'msh-9.3',
      warnings: [],
    });
  });

  it('uses CODE_EVENT, then the event shares, then the code alone', () => {
    expect(resolveStructure({ messageCode: 'ORU', triggerEvent: 'R01', version: '2.5.1' })).toMatchObject({ structure: 'ORU_R01', source: 'code-event' });
    expect(resolveStructure({ messageCode: 'ADT', triggerEvent: 'A04', version: '2.5' })).toMatchObject({ structure: 'ADT_A01', source: 'event-share' });
    expect(resolveStructure({ messageCode: 'ADT', triggerEvent: 'A14', version: '2.5' })).toMatchObject({ structure: 'ADT_A05' });
    expect(resolveStructure({ messageCode: 'ADT', triggerEvent: 'A14', version: '2.3' })).toMatchObject({ structure: 'ADT_A01' });
    expect(resolveStructure({ messageCode: 'ADT', triggerEvent: 'A40', version: '2.8' })).toMatchObject({ structure: 'ADT_A39' });
    expect(resolveStructure({ messageCode: 'MDM', triggerEvent: 'T10', version: '2.8' })).toMatchObject({ structure: 'MDM_T02' });
    expect(resolveStructure({ messageCode: 'QBP', triggerEvent: 'Z99', version: '2.5.1' })).toMatchObject({ structure: 'QBP_Qnn' });
    expect(resolveStructure({ messageCode: 'ACK', triggerEvent: 'A01', version: '2.6.1' })).toMatchObject({
      structure: 'ACK',
      source: 'code',
      dictionaryVersion: '2.6',
    });
  });

  it('warns on an unknown MSH-9.3 and still resolves from MSH-9.1/9.2', () => {
    const r = resolveStructure({ messageCode: 'ADT', triggerEvent: 'A01', structureId: 'XYZ_Q99', version: '2.5' });
    expect(r).toMatchObject({ structure: 'ADT_A01', source: 'code-event', warnings: ['STRUCTURE_UNKNOWN'] });
  });

  it('falls back to the generic layout with warnings', () => {
    expect(resolveStructure({ messageCode: 'ZDT', triggerEvent: 'Z01', version: '2.5' })).toMatchObject({
      structure: undefined,
      source: 'generic',
      warnings: ['STRUCTURE_GENERIC'],
    });
    expect(resolveStructure({})).toMatchObject({
      dictionaryVersion: '2.5.1',
      warnings: ['VERSION_MISSING', 'MESSAGE_TYPE_MISSING', 'STRUCTURE_GENERIC'],
    });
  });
});
