import { identifierKey, parseIdentifierKey, scopedIdentifierKey } from './identifiers';
import { IdentifierUse, type IdentityPolicy } from './identity-policy';

/** Where a message came from, as the identity policy scopes its identifiers. */
export interface IdentityScope {
  source: string;
  /** MSH-4 sending facility ('' when absent). */
  facility: string;
}

/** What the policy made of a message's identifiers: the keys the index records, and how many it left out. */
export interface IndexKeys {
  /** Index keys in message order, without duplicates: three-part keys link, five-part keys are scoped. */
  keys: string[];
  /** Identifiers never indexed (placeholders, never-linking types). */
  ignored: number;
}

/**
 * Turns the identifiers of one PID (or MRG) as the message wrote them (`authority#type#value`,
 * see PatientFacts) into index keys: qualified ones of a linking type keep their key (with
 * the source's default authority when CX-4 is empty); others are scoped to the source and
 * sending facility; placeholders and never-linking types are dropped.
 */
export function indexKeysOf(policy: IdentityPolicy, scope: IdentityScope, written: readonly string[]): IndexKeys {
  const keys: string[] = [];
  let ignored = 0;
  for (const raw of written) {
    const id = parseIdentifierKey(raw);
    if (id === undefined || id.scope !== undefined) {
      ignored++;
      continue;
    }
    const { use, authority } = policy.classify(scope.source, id);
    if (use === IdentifierUse.Ignored) {
      ignored++;
      continue;
    }
    const key =
      use === IdentifierUse.Link
        ? identifierKey(authority, id.type, id.value)
        : scopedIdentifierKey(authority, id.type, id.value, scope.source, scope.facility);
    if (!keys.includes(key)) keys.push(key);
  }
  return { keys, ignored };
}
