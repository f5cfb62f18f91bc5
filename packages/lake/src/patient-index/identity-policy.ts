import { ValidationError } from '../errors';

/**
 * Which identifiers of a source may link patients, and which never count. The lake decides it
 * per source because feeds differ: one hospital sends its MRN with an assigning authority,
 * another sends bare numbers that mean something only inside that facility.
 */
export interface SourceIdentityPolicy {
  /** Authority given to identifiers of this source that carry no CX-4 ('' or absent: none). */
  defaultAuthority?: string;
  /** CX-5 type codes that link across sources when the identifier has an authority. */
  linkTypes: readonly string[];
  /** CX-5 type codes never indexed: they never resolve a patient by themselves (SSN, driver's licence). */
  neverLinkTypes: readonly string[];
  /** Placeholder values never indexed: regular expressions matched against the whole CX-1, case-insensitive. */
  placeholders: readonly string[];
}

/** The policy file (`HCDL_IDENTITY_POLICY`): defaults for every source, then per-source overrides. */
export interface IdentityPolicyConfig {
  defaults?: Partial<SourceIdentityPolicy>;
  sources?: Record<string, Partial<SourceIdentityPolicy>>;
}

export const DEFAULT_LINK_TYPES: readonly string[] = ['MR', 'PI', 'PT', 'AN'];
export const DEFAULT_NEVER_LINK_TYPES: readonly string[] = ['SS', 'DL'];

/**
 * Values senders use when they have no identifier: zeros and nines with any separators
 * (`00000-0000000`, `999999999`, `999-99-9999`), one digit repeated, the textbook SSN
 * `123456789`, words for "none", and test patients (`TEST`, `TEST123`, `DUMMY-1`).
 */
export const DEFAULT_PLACEHOLDERS: readonly string[] = [
  '[\\W_]*(?:0[\\W_]*)+',
  '[\\W_]*(?:9[\\W_]*){3,}',
  '(\\d)(?:[\\W_]*\\1){4,}',
  '1[\\W_]*2[\\W_]*3[\\W_]*4[\\W_]*5[\\W_]*6[\\W_]*7[\\W_]*8[\\W_]*9',
  '(?:UNKNOWN|UNK|NONE|NULL|N/?A|TBD|PENDING|NOT ?AVAILABLE|NO ?MRN|X+|\\?+|-+|\\.+)',
  '(?:TEST|DUMMY|SAMPLE|DEMO|FAKE)[\\W_]*(?:PATIENT|PT|MRN)?[\\W_]*\\d*',
];

export const DEFAULT_IDENTITY_POLICY: SourceIdentityPolicy = {
  linkTypes: DEFAULT_LINK_TYPES,
  neverLinkTypes: DEFAULT_NEVER_LINK_TYPES,
  placeholders: DEFAULT_PLACEHOLDERS,
};

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkPart(where: string, part: unknown): Partial<SourceIdentityPolicy> {
  if (part === null || typeof part !== 'object' || Array.isArray(part)) throw new ValidationError(`identity policy: ${where} must be an object`);
  const p = part as Record<string, unknown>;
  const known = ['defaultAuthority', 'linkTypes', 'neverLinkTypes', 'placeholders'];
  for (const k of Object.keys(p)) if (!known.includes(k)) throw new ValidationError(`identity policy: unknown setting ${where}.${k}`);
  if (p.defaultAuthority !== undefined && typeof p.defaultAuthority !== 'string')
    throw new ValidationError(`identity policy: ${where}.defaultAuthority must be text`);
  for (const k of ['linkTypes', 'neverLinkTypes', 'placeholders'] as const) {
    if (p[k] !== undefined && !isStringList(p[k])) throw new ValidationError(`identity policy: ${where}.${k} must be a list of text`);
  }
  for (const pattern of (p.placeholders as string[] | undefined) ?? []) {
    try {
      new RegExp(pattern, 'iu');
    } catch (err) {
      throw new ValidationError(`identity policy: ${where}.placeholders holds an invalid regular expression`, { cause: err });
    }
  }
  return p as Partial<SourceIdentityPolicy>;
}

/** Checks a parsed policy file; throws ValidationError naming the first bad setting. */
export function parseIdentityPolicyConfig(value: unknown): IdentityPolicyConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('identity policy must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (k !== 'defaults' && k !== 'sources') throw new ValidationError(`identity policy: unknown setting ${k}`);
  const out: IdentityPolicyConfig = {};
  if (v.defaults !== undefined) out.defaults = checkPart('defaults', v.defaults);
  if (v.sources !== undefined) {
    if (v.sources === null || typeof v.sources !== 'object' || Array.isArray(v.sources))
      throw new ValidationError('identity policy: sources must be an object');
    out.sources = {};
    for (const [source, part] of Object.entries(v.sources)) out.sources[source] = checkPart(`sources.${source}`, part);
  }
  return out;
}

/** How one identifier takes part in the index (see IdentityPolicy.classify). */
export const IdentifierUse = {
  /** Qualified and of a linking type: the same key from any source finds the same patient. */
  Link: 'link',
  /** Scoped to the (source, sending facility) that sent it: it links only that facility's messages. */
  Scoped: 'scoped',
  /** Never indexed: a placeholder value or a never-linking type. */
  Ignored: 'ignored',
} as const;
export type IdentifierUse = (typeof IdentifierUse)[keyof typeof IdentifierUse];

/** The identity policy of every source: the file's defaults over the shipped ones, then the source's own settings. */
export class IdentityPolicy {
  private readonly compiled = new Map<string, { policy: SourceIdentityPolicy; placeholders: RegExp[] }>();

  constructor(private readonly config: IdentityPolicyConfig = {}) {}

  forSource(source: string): SourceIdentityPolicy {
    return this.compiledFor(source).policy;
  }

  /** What the policy of `source` makes of one identifier (CX-4 authority, CX-5 type, CX-1 value). */
  classify(source: string, id: { authority: string; type: string; value: string }): { use: IdentifierUse; authority: string } {
    const { policy, placeholders } = this.compiledFor(source);
    const authority = id.authority !== '' ? id.authority : (policy.defaultAuthority ?? '').trim();
    const type = id.type.toUpperCase();
    if (placeholders.some((re) => re.test(id.value.trim()))) return { use: IdentifierUse.Ignored, authority };
    if (policy.neverLinkTypes.some((t) => t.toUpperCase() === type)) return { use: IdentifierUse.Ignored, authority };
    if (authority !== '' && policy.linkTypes.some((t) => t.toUpperCase() === type)) return { use: IdentifierUse.Link, authority };
    return { use: IdentifierUse.Scoped, authority };
  }

  private compiledFor(source: string): { policy: SourceIdentityPolicy; placeholders: RegExp[] } {
    let c = this.compiled.get(source);
    if (c === undefined) {
      const policy: SourceIdentityPolicy = { ...DEFAULT_IDENTITY_POLICY, ...this.config.defaults, ...this.config.sources?.[source] };
      c = { policy, placeholders: policy.placeholders.map((p) => new RegExp(`^(?:${p})$`, 'iu')) };
      this.compiled.set(source, c);
    }
    return c;
  }
}

/**
 * The policy from the text of `HCDL_IDENTITY_POLICY` once the caller has read it (inline JSON,
 * or the content of the file it names): ValidationError when it is not a valid policy.
 */
export function identityPolicyFromJson(text: string): IdentityPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError('identity policy is not valid JSON', { cause: err });
  }
  return new IdentityPolicy(parseIdentityPolicyConfig(value));
}
