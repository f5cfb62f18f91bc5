/** Routes one segment (other than MSH, EVN, SFT and Z-segments) to its map; false when none. */
import type { Mapping } from '../mapping';
import type { FhirResource } from '../resource';
import type { V2Segment } from '../v2';
import { mapAllergy, mapDg1, mapFt1, mapPr1 } from './clinical';
import { mapIn1, mapIn2 } from './coverage';
import { mapPv1, mapPv2 } from './encounter';
import { mapCon, mapDb1, mapGt1 } from './financial';
import { mapAcc, mapPda } from './incident';
import { mapRf1 } from './referral';
import { mapRxa, mapRxe, mapRxr } from './medication';
import { mapMrg } from './merge';
import { mapNte, mapObx } from './observation';
import { mapSpm } from './specimen';
import { mapObr, mapOrc } from './order';
import { mapNk1, mapPd1, mapPid } from './patient';
import { finishDocument, mapAppointmentResource, mapDocumentObx, mapSch, mapTxa } from './scheduling';

export interface WalkState {
  appointment: FhirResource | undefined;
  document: FhirResource | undefined;
}

export function clinicalSegment(m: Mapping, seg: V2Segment, location: string, state: WalkState): boolean {
  switch (seg.id) {
    case 'PID':
      // A new patient starts a new context (A17 swaps two patients; batches repeat PID).
      m.encounter = undefined;
      m.order = undefined;
      m.coverage = undefined;
      mapPid(m, seg, location);
      return true;
    case 'PD1':
      mapPd1(m, seg);
      return true;
    case 'NK1':
      mapNk1(m, seg, location);
      return true;
    case 'PV1':
      m.order = undefined;
      mapPv1(m, seg, location);
      return true;
    case 'PV2':
      mapPv2(m, seg);
      return true;
    case 'MRG':
      mapMrg(m, seg, location);
      return true;
    case 'ORC':
      mapOrc(m, seg, location);
      return true;
    case 'OBR':
      mapObr(m, seg, location);
      return true;
    case 'OBX':
      // Only in MDM is an OBX after the TXA the document's content (IG MDM_T02 row 10.1); in
      // ORU/OUL a TXA closes an order document group and the OBX after it are results (IG
      // ORU_R01 rows 4.2.1.3 and 4.2.4.3.1).
      if (state.document !== undefined && m.messageCode === 'MDM') mapDocumentObx(m, seg, state.document);
      else mapObx(m, seg, location);
      return true;
    case 'SPM':
      mapSpm(m, seg, location);
      return true;
    case 'NTE':
      if (!mapNte(m, seg)) m.note(location, 'out-of-context', 'NTE follows no segment whose resource takes a note');
      return true;
    case 'AL1':
    case 'IAM':
      mapAllergy(m, seg, location);
      return true;
    case 'DG1':
      mapDg1(m, seg, location);
      return true;
    case 'PR1':
      mapPr1(m, seg, location);
      return true;
    case 'IN1':
      mapIn1(m, seg, location);
      return true;
    case 'FT1':
      mapFt1(m, seg, location);
      return true;
    case 'IN2':
      mapIn2(m, seg, location);
      return true;
    case 'GT1':
      mapGt1(m, seg, location);
      return true;
    case 'DB1':
      mapDb1(m, seg);
      return true;
    case 'CON':
      mapCon(m, seg, location);
      return true;
    case 'PDA':
      mapPda(m, seg, location);
      return true;
    case 'ACC':
      mapAcc(m, seg, location);
      return true;
    case 'RF1':
      mapRf1(m, seg, location);
      return true;
    case 'RXA':
      mapRxa(m, seg, location);
      return true;
    case 'RXE':
    case 'RXO':
      mapRxe(m, seg, location);
      return true;
    case 'RXR':
      if (!mapRxr(m, seg)) m.note(location, 'out-of-context', 'RXR follows no RXA, RXE or RXO');
      return true;
    case 'SCH':
      state.appointment = mapSch(m, seg, location);
      return true;
    case 'AIS':
    case 'AIG':
    case 'AIL':
    case 'AIP':
      if (!mapAppointmentResource(m, seg, state.appointment)) m.note(location, 'out-of-context', `${seg.id} follows no SCH`);
      return true;
    case 'TXA':
      if (state.document !== undefined) finishDocument(state.document);
      state.document = mapTxa(m, seg, location);
      return true;
    default:
      return false;
  }
}
