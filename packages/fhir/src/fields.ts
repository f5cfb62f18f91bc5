/**
 * The fields each segment map reads (set ids and fields the IG leaves unmapped on purpose count
 * as read): any other field with a value is reported in the notes, never dropped silently.
 */
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const MAPPED_FIELDS: Readonly<Record<string, ReadonlySet<number>>> = {
  MSH: new Set(range(1, 12)),
  EVN: new Set([1, 2, 3, 4, 5, 6]),
  PID: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 29, 30]),
  PD1: new Set([3, 4]),
  NK1: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15, 16]),
  PV1: new Set([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 17, 19, 36, 37, 38, 44, 45, 50]),
  PV2: new Set([3, 8, 9, 11, 12, 25]),
  ORC: new Set([1, 2, 3, 4, 5, 8, 9, 12, 15, 16]),
  OBR: new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 14, 16, 22, 24, 25, 27, 29, 31, 32, 53]),
  OBX: new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 16, 17, 20, 21, 23]),
  SPM: new Set([1, 2, 3, 4, 7, 8, 12, 14, 17, 18, 20, 24, 27, 30, 31, 32]),
  NTE: new Set([1, 2, 3]),
  AL1: new Set([1, 2, 3, 4, 5, 6]),
  IAM: new Set([1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 27]),
  DG1: new Set([1, 2, 3, 4, 5, 6, 15, 16, 19, 20, 21, 22]),
  PR1: new Set([1, 2, 3, 4, 5, 6, 8, 11, 12, 15, 19, 25]),
  IN1: new Set([1, 2, 3, 4, 8, 9, 12, 13, 15, 16, 17, 36, 49]),
  IN2: new Set([1, 2, 6, 7, 8, 10, 61]),
  GT1: new Set([1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 19, 21]),
  DB1: new Set([1, 2, 3]),
  PDA: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]),
  ACC: new Set([1, 3, 5, 6, 7, 8, 10, 13]),
  RF1: new Set([1, 2, 3, 6, 7, 8, 9, 10, 11, 19, 20, 25]),
  CON: new Set([1, 24, 25]),
  FT1: new Set([1, 4, 21, 24, 25]),
  RXA: new Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22]),
  RXR: new Set([1, 2]),
  RXE: new Set([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 15, 40]),
  RXO: new Set([1, 2, 3, 4, 5, 6, 11, 12, 13]),
  SCH: new Set([1, 2, 6, 7, 8, 9, 10, 11, 25]),
  AIS: new Set([1, 2, 3, 4]),
  AIG: new Set([1, 2, 3, 4]),
  AIL: new Set([1, 2, 3, 4, 6]),
  AIP: new Set([1, 2, 3, 4, 6]),
  TXA: new Set([1, 2, 4, 6, 9, 10, 12, 16, 17]),
  MRG: new Set([1, 4]),
};
