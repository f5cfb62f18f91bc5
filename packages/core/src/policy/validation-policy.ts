import { diagnostic, type Diagnostic } from '@hcdl/hl7v2';
import { CoreError } from '../errors';

/**
 * How strictly a source's messages are judged before they may be `staged` (docs/adr/0013):
 * - `lenient`: only what the parser cannot stage goes to the error zone (the behaviour before 0013);
 * - `standard` (default): also a message of a known structure that misses a required segment,
 *   a message whose MSH-9 is empty, and a message that parses to fewer segments than it has lines;
 * - `strict`: any warning at all.
 * Whatever the policy, a message without MSH-9 or MSH-10 is never staged: the catalog has no
 * `staged` row without a type and a control id.
 */
export const ValidationPolicy = { Lenient: 'lenient', Standard: 'standard', Strict: 'strict' } as const;
export type ValidationPolicy = (typeof ValidationPolicy)[keyof typeof ValidationPolicy];

export const DEFAULT_VALIDATION_POLICY: ValidationPolicy = ValidationPolicy.Standard;

/** The policy of every source: a default and per-source exceptions. */
export interface ValidationPolicies {
  default: ValidationPolicy;
  sources: Readonly<Record<string, ValidationPolicy>>;
}

export class PolicyConfigError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyConfigError';
  }
}

const POLICIES: readonly string[] = Object.values(ValidationPolicy);

export function isValidationPolicy(value: unknown): value is ValidationPolicy {
  return typeof value === 'string' && POLICIES.includes(value);
}

function policyOf(value: unknown, what: string): ValidationPolicy {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!isValidationPolicy(v)) throw new PolicyConfigError(`${what} must be one of ${POLICIES.join(', ')}`);
  return v;
}

const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads the policies from configuration text: `defaultText` (`HCDL_VALIDATION_POLICY`),
 * `bySourceText` (`HCDL_VALIDATION_POLICY_BY_SOURCE`, `ward-7=strict,lab=lenient`) and a JSON
 * document (`HCDL_VALIDATION_POLICY_FILE`'s content, `{ "default": "standard", "sources":
 * { "ward-7": "strict" } }`). The variables win over the file.
 */
export function readValidationPolicies(
  input: { defaultText?: string | undefined; bySourceText?: string | undefined; json?: string | undefined } = {},
): ValidationPolicies {
  let base: ValidationPolicy = DEFAULT_VALIDATION_POLICY;
  const sources: Record<string, ValidationPolicy> = {};
  if (input.json !== undefined && input.json.trim() !== '') {
    let doc: unknown;
    try {
      doc = JSON.parse(input.json);
    } catch (err) {
      throw new PolicyConfigError('the validation policy file is not JSON', { cause: err });
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new PolicyConfigError('the validation policy file must hold an object');
    const { default: d, sources: s } = doc as { default?: unknown; sources?: unknown };
    if (d !== undefined) base = policyOf(d, 'the file\'s "default"');
    if (s !== undefined) {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new PolicyConfigError('the file\'s "sources" must map source ids to policies');
      for (const [source, p] of Object.entries(s)) {
        if (!SOURCE_ID.test(source)) throw new PolicyConfigError('the file\'s "sources" has a key that is not a source id');
        sources[source] = policyOf(p, `the policy of source ${source}`);
      }
    }
  }
  if (input.defaultText !== undefined && input.defaultText.trim() !== '') base = policyOf(input.defaultText, 'HCDL_VALIDATION_POLICY');
  if (input.bySourceText !== undefined) {
    for (const entry of input.bySourceText.split(',')) {
      if (entry.trim() === '') continue;
      const [source, p, ...rest] = entry.split('=').map((s) => s.trim());
      if (source === undefined || p === undefined || rest.length > 0 || !SOURCE_ID.test(source))
        throw new PolicyConfigError('HCDL_VALIDATION_POLICY_BY_SOURCE must read source=policy[,source=policy...]');
      sources[source] = policyOf(p, `the policy of source ${source}`);
    }
  }
  return { default: base, sources };
}

/** The policy a source's messages are staged under. */
export function policyFor(policies: ValidationPolicies | undefined, source: string): ValidationPolicy {
  if (policies === undefined) return DEFAULT_VALIDATION_POLICY;
  return Object.hasOwn(policies.sources, source) ? (policies.sources[source] as ValidationPolicy) : policies.default;
}
