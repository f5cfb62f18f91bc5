/**
 * The state of one conversion: the resources made so far (deduplicated by id, in order), the
 * notes, the merge links, and the resources later segments attach to (patient, encounter,
 * current order). Segment mappers read and extend it.
 */
import type { ConvertContext, MappingNote, MappingNoteCode, PatientLink } from './context';
import { deterministicId } from './ids';
import type { FhirResource, Reference } from './resource';
import type { V2Segment } from './v2';

export class Mapping {
  readonly ctx: ConvertContext;
  readonly offset: string;
  readonly metaSource: string;
  readonly notes: MappingNote[] = [];
  readonly links: PatientLink[] = [];
  readonly #resources = new Map<string, FhirResource>();
  readonly #stubs = new Set<string>();
  /** Scope that qualifies identifiers sent without an assigning authority (MSH-4 or MSH-3). */
  scope = '';
  event = '';
  messageCode = '';
  patient: Reference | undefined;
  patientIdentifiers: string[] = [];
  /** How many PID segments the message had so far. */
  patientsSeen = 0;
  encounter: Reference | undefined;
  /** The current order (ORC/OBR group): what OBX, SPM, NTE, TQ1 attach to. */
  order: OrderState | undefined;
  /** The current insurance group's Coverage (IN2, IN3 add to it) and whether the insured is the patient. */
  coverage: { resource: FhirResource; selfInsured: boolean } | undefined;
  /** The last resource made (NTE attaches its note to it when it takes notes). */
  last: FhirResource | undefined;

  constructor(ctx: ConvertContext) {
    this.ctx = ctx;
    this.offset = ctx.defaultOffset ?? 'Z';
    this.metaSource = `urn:hcdl:message:${ctx.messageId}`;
  }

  /** An id from a qualified key, or one scoped to this message and a position when there is none. */
  id(resourceType: string, key: string | undefined, position: string): string {
    return deterministicId(resourceType, key ?? `message:${this.ctx.messageId}:${position}`);
  }

  /**
   * Adds the resource and returns a reference. The first one made wins when two share an id,
   * unless the first was a stub (a resource only referenced by identifier): the full one
   * replaces it in place.
   */
  add(r: FhirResource, stub = false): Reference {
    const k = `${r.resourceType}/${r.id}`;
    const existing = this.#resources.get(k);
    if (existing === undefined || (!stub && this.#stubs.delete(k))) {
      if (r.meta === undefined) r.meta = { source: this.metaSource };
      else r.meta.source = this.metaSource;
      this.#resources.set(k, r);
      if (stub) this.#stubs.add(k);
      else this.last = r;
    } else if (!stub) this.last = existing;
    return { reference: k };
  }

  /**
   * The reference already made for a supporting resource's key in this message (a clinician or
   * ward named in several segments), so it is built and hashed once.
   */
  readonly madeFor = new Map<string, Reference>();

  /** Placeholders handed out for a subject before any PID (an RF1 or SCH sent first). */
  readonly #pendingSubjects = new Set<object>();

  /**
   * The subject Patient, or a placeholder when no PID came yet: `finishSubjects` points the
   * placeholders at the message's patient once it is known.
   */
  subject(): Reference | { display: string } {
    if (this.patient !== undefined) return this.patient;
    const placeholder = { display: 'unknown patient' };
    this.#pendingSubjects.add(placeholder);
    return placeholder;
  }

  /** Resolves subject placeholders to the message's one patient (left as they are with none or several). */
  finishSubjects(): void {
    if (this.#pendingSubjects.size === 0 || this.patient === undefined || this.patientsSeen !== 1) return;
    for (const r of this.#resources.values())
      for (const k of ['subject', 'patient', 'beneficiary'] as const) if (this.#pendingSubjects.has(r[k] as object)) r[k] = this.patient;
  }

  readonly #namedKeys = new Set<string>();

  /**
   * An identifier-derived key the first time a segment of this message names it; undefined
   * after that, so a second segment with the same instance identifier (two DG1 with one DG1-20
   * in two visits) gets an id of its own instead of being dropped as the first one's duplicate.
   */
  firstUse(key: string | undefined): string | undefined {
    if (key === undefined || this.#namedKeys.has(key)) return undefined;
    this.#namedKeys.add(key);
    return key;
  }

  get(reference: Reference | undefined): FhirResource | undefined {
    return reference === undefined ? undefined : this.#resources.get(reference.reference);
  }

  resources(): FhirResource[] {
    return [...this.#resources.values()];
  }

  /** `<Type>/<id>` of the resources still stubs at the end (named by identifier only, never by their own segment). */
  stubs(): string[] {
    return [...this.#stubs];
  }

  note(location: string, code: MappingNoteCode, message: string): void {
    this.notes.push({ location, code, message });
  }
}

export interface OrderState {
  /** The group's ServiceRequest, when one was added to the bundle. */
  serviceRequest?: Reference;
  /** The ORC's request data (the ServiceRequest, or a detached one whose identifiers, requester
   * and dates go to the Immunization or MedicationRequest of the group). */
  request?: FhirResource;
  report?: FhirResource;
  specimens: Reference[];
  /** Key qualifying child ids (filler or placer number). */
  key?: string;
  /** Position of the group's first segment, for message-scoped ids. */
  position: string;
  observations: Reference[];
  /** The group started with an ORC (its first OBR joins it). */
  fromOrc?: boolean;
  /** The group's ORC, when it started with one. */
  orc?: V2Segment;
  /** The group's OBR, once one came. */
  obr?: V2Segment;
  /** An RXA/RXE group's resource (Immunization, MedicationRequest...). */
  medication?: FhirResource;
}
