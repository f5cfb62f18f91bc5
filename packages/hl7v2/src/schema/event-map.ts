/**
 * Event -> message structure shares (HL7 table 0354: several trigger events use one
 * structure, e.g. ADT^A04 uses ADT_A01). hl7apy records no such mapping, so this table
 * lists the standard's shares by hand; a share is used only when its structure is a key of
 * the dictionary version at hand (e.g. ADT^A12 is ADT_A09 in 2.3-2.4, ADT_A12 from 2.5,
 * because the exact CODE_EVENT key wins first). `*` maps every event of the message code
 * (hl7apy's wildcard structures such as QBP_Qnn).
 */
const SHARES: Readonly<Record<string, string>> = {
  // Order matters: ADT_A05 (2.4+) is tried before ADT_A01, which 2.3 uses for these events.
  ADT_A05: 'A05 A14 A28 A31',
  ADT_A01: 'A01 A04 A08 A13 A05 A14 A28 A31',
  ADT_A06: 'A06 A07',
  ADT_A09: 'A09 A10 A11 A12',
  ADT_A21: 'A21 A22 A23 A25 A26 A27 A29 A32 A33',
  ADT_A30: 'A30 A34 A35 A36 A46 A47 A48 A49',
  ADT_A39: 'A39 A40 A41 A42',
  ADT_A43: 'A43 A44',
  ADT_A50: 'A50 A51',
  ADT_A52: 'A52 A53',
  ADT_A54: 'A54 A55',
  ADT_A61: 'A61 A62',
  QRY_A19: 'A19',
  BAR_P01: 'P01 P05',
  PEX_P07: 'P07 P08',
  CRM_C01: 'C01 C02 C03 C04 C05 C06 C07 C08',
  CSU_C09: 'C09 C10 C11 C12',
  MDM_T01: 'T01 T03 T05 T07 T09 T11',
  MDM_T02: 'T02 T04 T06 T08 T10',
  MFK_M01: 'M01 M02 M03 M04 M05 M06 M07 M08 M09 M10 M11 M12 M13 M14 M15',
  PMU_B01: 'B01 B02',
  PMU_B04: 'B04 B05 B06',
  PPR_PC1: 'PC1 PC2 PC3',
  PGL_PC6: 'PC6 PC7 PC8',
  PPP_PCB: 'PCB PCC PCD',
  PPG_PCG: 'PCG PCH PCJ',
  ORU_R30: 'R30 R31 R32',
  RDE_O11: 'O01 O11 O25',
  RRE_O12: 'O02 O12 O26',
  REF_I12: 'I12 I13 I14 I15',
  RRI_I12: 'I12 I13 I14 I15',
  RQA_I08: 'I08 I09 I10 I11',
  RPA_I08: 'I08 I09 I10 I11',
  RQI_I01: 'I01 I02 I03',
  RQC_I05: 'I05 I06',
  SRM_S01: 'S01 S02 S03 S04 S05 S06 S07 S08 S09 S10 S11',
  SRR_S01: 'S01 S02 S03 S04 S05 S06 S07 S08 S09 S10 S11',
  SIU_S12: 'S12 S13 S14 S15 S16 S17 S18 S19 S20 S21 S22 S23 S24 S26 S27',
  QBP_Q21: 'Q21 Q22 Q23 Q24 Q25',
  RSP_K21: 'K21 K22',
  RSP_K23: 'K23 K24',
  TCU_U10: 'U10 U11',
  LSU_U12: 'U12 U13',
  QBP_Qnn: '*',
  RSP_Znn: '*',
  RTB_Knn: '*',
  MFN_Znn: '*',
};

let index: Map<string, string[]> | undefined;

/** Candidate structures for `code` + `event`, most specific first (exact event, then wildcard). */
export function sharedStructures(code: string, event: string): readonly string[] {
  if (index === undefined) {
    index = new Map();
    for (const [structure, events] of Object.entries(SHARES)) {
      const msgCode = structure.slice(0, 3);
      for (const ev of events.split(' ')) {
        const key = `${msgCode}^${ev}`;
        const list = index.get(key) ?? [];
        list.push(structure);
        index.set(key, list);
      }
    }
  }
  return [...(index.get(`${code}^${event}`) ?? []), ...(index.get(`${code}^*`) ?? [])];
}
