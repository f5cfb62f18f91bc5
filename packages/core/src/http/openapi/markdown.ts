/**
 * Renders the OpenAPI document as the API reference page (docs/api.md): one section per tag,
 * one entry per operation with its parameters and answers. Pure: the generator script writes
 * its output and a test checks the checked-in page is what it renders now.
 */
type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const cell = (text: unknown): string =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

function schemaText(schema: Json | undefined): string {
  if (schema === undefined) return '';
  if (typeof schema.$ref === 'string') return `\`${schema.$ref.split('/').pop()}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (Array.isArray(schema.oneOf)) return (schema.oneOf as Json[]).map(schemaText).join(' or ');
  if (schema.type === 'array') return `array of ${schemaText(schema.items as Json | undefined)}`;
  if (schema.type === 'object' && (schema.properties as Json | undefined)?.items !== undefined)
    return `page of ${schemaText(((schema.properties as Json).items as Json).items as Json)}`;
  return `${String(schema.type ?? 'any')}${typeof schema.format === 'string' ? ` (${schema.format})` : ''}`;
}

function operationMarkdown(method: string, path: string, op: Json): string[] {
  const out = [`### \`${method.toUpperCase()} ${path}\``, '', String(op.summary ?? '')];
  if (typeof op.description === 'string') out.push('', op.description);
  const notes: string[] = [];
  notes.push(op.security !== undefined ? 'bearer token' : 'no token');
  if (typeof op['x-hcdl-audit'] === 'string') notes.push(`audited (${op['x-hcdl-audit']})`);
  if (typeof op['x-hcdl-served-by'] === 'string') notes.push(`${op['x-hcdl-served-by']} only`);
  out.push('', `*${notes.join('; ')}*`);
  const params = (op.parameters as Json[] | undefined) ?? [];
  if (params.length > 0) {
    out.push('', '| parameter | in | required | schema | description |', '|---|---|---|---|---|');
    for (const p of params)
      out.push(
        `| \`${cell(p.name)}\` | ${cell(p.in)} | ${p.required === true ? 'yes' : 'no'} | ${cell(schemaText(p.schema as Json))} | ${cell(p.description)} |`,
      );
  }
  const body = (op.requestBody as Json | undefined)?.content as Json | undefined;
  if (body !== undefined)
    out.push(
      '',
      `Body: ${Object.keys(body)
        .map((t) => `\`${t}\``)
        .join(', ')}.`,
    );
  out.push('', '| status | answer | body |', '|---|---|---|');
  for (const [status, r] of Object.entries((op.responses as Record<string, Json>) ?? {})) {
    const content = r.content as Record<string, Json> | undefined;
    const first = content === undefined ? undefined : Object.entries(content)[0];
    const bodyText = first === undefined ? '' : `${first[0]}${first[1].schema !== undefined ? `: ${schemaText(first[1].schema as Json)}` : ''}`;
    out.push(`| ${status} | ${cell(r.description)} | ${cell(bodyText)} |`);
  }
  out.push('');
  return out;
}

export function renderApiMarkdown(doc: Json): string {
  const info = doc.info as Json;
  const out = [
    `# API reference: ${String(info.title)}`,
    '',
    '<!-- Generated from docs/openapi.json by `pnpm -s openapi`; do not edit by hand. -->',
    '',
    String(info.description ?? ''),
    '',
    'The machine-readable document is served at `/openapi.json` and checked in as [openapi.json](openapi.json). Reads and access rules in detail: [read-api.md](read-api.md).',
    '',
  ];
  const paths = doc.paths as Record<string, Json>;
  for (const tag of (doc.tags as Json[]) ?? []) {
    out.push(`## ${String(tag.name)}`, '', String(tag.description ?? ''), '');
    for (const [path, item] of Object.entries(paths))
      for (const m of METHODS) {
        const op = item[m] as Json | undefined;
        if (op !== undefined && (op.tags as string[] | undefined)?.[0] === tag.name) out.push(...operationMarkdown(m, path, op));
      }
  }
  const schemas = ((doc.components as Json).schemas as Record<string, Json>) ?? {};
  out.push('## Schemas', '');
  for (const [name, s] of Object.entries(schemas)) {
    out.push(`### \`${name}\``, '');
    if (typeof s.description === 'string') out.push(s.description, '');
    const props = (s.properties as Record<string, Json> | undefined) ?? {};
    const required = new Set((s.required as string[] | undefined) ?? []);
    out.push('| field | schema | required |', '|---|---|---|');
    for (const [p, ps] of Object.entries(props)) out.push(`| \`${p}\` | ${cell(schemaText(ps))} | ${required.has(p) ? 'yes' : 'no'} |`);
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
