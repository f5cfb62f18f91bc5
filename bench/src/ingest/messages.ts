/**
 * The messages of the ingest benchmark. All data is invented. The load message is a ~450-byte
 * ADT^A01 whose control id autocannon replaces per request (`[<id>]`), so every request is a
 * distinct message (none is refused as a duplicate).
 */
const SEG = '\r';

/** The template of the HTTP load: `[<id>]` becomes a unique id per request. */
export const LOAD_TEMPLATE =
  [
    'MSH|^~\\&|ADMIT|WARD7|HCDL|LAKE|20260101120000||ADT^A01^ADT_A01|[<id>]|P|2.5.1',
    'EVN|A01|20260101120000',
    'PID|1||PAT4711^^^WARD7^MR||Doe^Jane^Q||19800101|F|||1 Main St^^Springfield^IL^62701||555-0100',
    'PV1|1|I|7W^701^1^WARD7||||1234^Smith^John^^^Dr|||MED||||ADM|||1234^Smith^John^^^Dr|IN||||||||||||||||||||||||20260101120000',
    'AL1|1|DA|PCN^Penicillin^L|SV|Hives',
    'DG1|1||I10^Hypertension^I10||20260101120000|A',
  ].join(SEG) + SEG;

/** A message with its own control id (for the batch file, MLLP and the staging-lag load). */
export function message(controlId: string): string {
  return LOAD_TEMPLATE.replace('[<id>]', controlId);
}

/** A FHS/BHS batch file of `n` distinct messages. */
export function batchFile(n: number, tag: string): string {
  const parts = ['FHS|^~\\&|ADMIT|WARD7|HCDL|LAKE|20260101120000', 'BHS|^~\\&|ADMIT|WARD7|HCDL|LAKE|20260101120000'];
  for (let i = 0; i < n; i++) parts.push(message(`${tag}-${i}`).slice(0, -1));
  parts.push(`BTS|${n}`, 'FTS|1');
  return parts.join(SEG) + SEG;
}

/** The shapes of adversarial content: runs of one separator, or a run of short segments. */
export const ADVERSARIAL_SHAPES = ['^', '&', '~', '|', 'segments'] as const;
export type AdversarialShape = (typeof ADVERSARIAL_SHAPES)[number];

/**
 * The adversarial message of issue 12: a valid ORU^R01 whose OBX-5 is `bytes` of `^` runs
 * (millions of empty components), what a writer, or anyone who reaches the MLLP port, can send;
 * or the same size of another separator, or of one-field NTE segments (`shape`).
 */
export function adversarial(bytes: number, controlId: string, shape: AdversarialShape = '^'): string {
  const head = message(controlId).replace('ADT^A01^ADT_A01', 'ORU^R01^ORU_R01');
  if (shape === 'segments') return `${head}OBR|1||ORD1|CBC^Blood count^L\r${'NTE|1\r'.repeat(Math.floor(bytes / 6))}`;
  return `${head}OBR|1||ORD1|CBC^Blood count^L\rOBX|1|TX|NOTE^Note^L||${shape.repeat(bytes)}||||||F\r`;
}
