/**
 * HL7 table 0357 (message error condition codes) and the mapping from our diagnostic codes.
 * Codes 0-207 are defined by HL7; 104 ("value too long") exists from v2.6 on.
 */
export const HL7_ERROR_CODES = {
  MESSAGE_ACCEPTED: { code: '0', text: 'Message accepted' },
  SEGMENT_SEQUENCE_ERROR: { code: '100', text: 'Segment sequence error' },
  REQUIRED_FIELD_MISSING: { code: '101', text: 'Required field missing' },
  DATA_TYPE_ERROR: { code: '102', text: 'Data type error' },
  TABLE_VALUE_NOT_FOUND: { code: '103', text: 'Table value not found' },
  VALUE_TOO_LONG: { code: '104', text: 'Value too long' },
  UNSUPPORTED_MESSAGE_TYPE: { code: '200', text: 'Unsupported message type' },
  UNSUPPORTED_EVENT_CODE: { code: '201', text: 'Unsupported event code' },
  UNSUPPORTED_PROCESSING_ID: { code: '202', text: 'Unsupported processing id' },
  UNSUPPORTED_VERSION_ID: { code: '203', text: 'Unsupported version id' },
  UNKNOWN_KEY_IDENTIFIER: { code: '204', text: 'Unknown key identifier' },
  DUPLICATE_KEY_IDENTIFIER: { code: '205', text: 'Duplicate key identifier' },
  APPLICATION_RECORD_LOCKED: { code: '206', text: 'Application record locked' },
  APPLICATION_INTERNAL_ERROR: { code: '207', text: 'Application internal error' },
} as const;

export type Hl7ErrorCode = (typeof HL7_ERROR_CODES)[keyof typeof HL7_ERROR_CODES];

/**
 * Table 0357 entry for one of our diagnostic codes (core and schema codes such as
 * `REQUIRED_FIELD_MISSING`, `TABLE_VALUE_UNKNOWN`, `UNKNOWN_SEGMENT`, `BAD_ESCAPE`).
 * `versionRank` (see versionRank: 2.6 -> 2060) gates 104, which older versions lack.
 */
export function hl7ErrorCodeFor(diagnosticCode: string, versionRank: number): Hl7ErrorCode {
  const c = diagnosticCode.toUpperCase();
  if (c.includes('REQUIRED')) {
    return c.includes('SEGMENT') ? HL7_ERROR_CODES.SEGMENT_SEQUENCE_ERROR : HL7_ERROR_CODES.REQUIRED_FIELD_MISSING;
  }
  if (c.includes('TABLE')) return HL7_ERROR_CODES.TABLE_VALUE_NOT_FOUND;
  if (c.includes('LENGTH') || c.includes('TOO_LONG')) {
    return versionRank >= 2060 ? HL7_ERROR_CODES.VALUE_TOO_LONG : HL7_ERROR_CODES.DATA_TYPE_ERROR;
  }
  if (c.includes('VERSION')) return HL7_ERROR_CODES.UNSUPPORTED_VERSION_ID;
  if (c.includes('MESSAGE_TYPE')) return HL7_ERROR_CODES.UNSUPPORTED_MESSAGE_TYPE;
  if (c.includes('EVENT')) return HL7_ERROR_CODES.UNSUPPORTED_EVENT_CODE;
  if (c.includes('PROCESSING')) return HL7_ERROR_CODES.UNSUPPORTED_PROCESSING_ID;
  if (c.includes('DUPLICATE')) return HL7_ERROR_CODES.DUPLICATE_KEY_IDENTIFIER;
  if (c.includes('SEGMENT') || c.includes('STRUCTURE') || c.includes('LINE')) return HL7_ERROR_CODES.SEGMENT_SEQUENCE_ERROR;
  if (
    c.includes('ESCAPE') ||
    c.includes('TYPE') ||
    c.includes('FORMAT') ||
    c.includes('DATE') ||
    c.includes('NUMBER') ||
    c.includes('ENCODING') ||
    c.includes('CHARSET') ||
    c.includes('FIELD')
  ) {
    return HL7_ERROR_CODES.DATA_TYPE_ERROR;
  }
  return HL7_ERROR_CODES.APPLICATION_INTERNAL_ERROR;
}
