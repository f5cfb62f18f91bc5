/** The shapes of the lake's answers the console reads (docs/read-api.md). */
export interface MessageRow {
  messageId: string;
  source: string;
  status: 'ingested' | 'staged' | 'error';
  receivedAt: string;
  updatedAt?: string;
  size?: number;
  controlId?: string;
  messageType?: string;
  structure?: string;
  version?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  patientId?: string;
  attempts?: number;
  rawKey?: string;
  stagingKey?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  location?: string;
  line?: number;
  column?: number;
}

export interface Lineage {
  objects: { zone: string; key: string; at?: string; size?: number }[];
  history: { attempt: number; outcome: string; at?: string; stage?: string; errors?: Diagnostic[] }[];
}

export interface ErrorItem extends Diagnostic {
  messageId: string;
  attempt: number;
  stage?: string;
  at?: string;
  source: string;
  messageType?: string;
  status: string;
}

export interface Patient {
  patientId: string;
  mergedInto?: string;
  identifiers: { identifier: string; authority?: string; type?: string; value?: string; source?: string; firstSeenMessageId?: string; firstSeenAt?: string }[];
  links: { patientId: string; linkedPatientId: string; messageId: string; source?: string; at?: string }[];
  merges: { mergedPatientId: string; survivorPatientId: string; messageId: string; messageType?: string; at?: string; priorIdentifiers?: string[] }[];
  messages: Page<MessageRow>;
}

export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { source?: string; versionId?: string; lastUpdated?: string };
}

export interface FhirBundle {
  resourceType: 'Bundle';
  entry?: { fullUrl?: string; resource?: FhirResource }[];
}

/** Field and component names of one dictionary version (@hcdl/hl7v2 dictionaryNames). */
export interface DictionaryNames {
  version: string;
  segments: Record<string, ([string, string] | null)[]>;
  datatypes: Record<string, ([string, string] | null)[]>;
}
