/**
 * Renders the OpenAPI document as one self-contained HTML page: no scripts, no fonts, no CDN
 * (the gateway may run where nothing outside is reachable).
 */
type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Just enough Markdown for the descriptions: `code` and **bold**. */
function inline(text: unknown): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

const anchor = (name: string) => `schema-${name}`;

function refName(schema: Json): string | null {
  const ref = schema.$ref;
  return typeof ref === 'string' ? (ref.split('/').pop() ?? null) : null;
}

/** A schema in a few words: `integer 1–50`, `JobView`, `string | null`, `one of: a, b`. */
export function describeType(schema: Json | undefined): string {
  if (!schema) return 'any';
  const name = refName(schema);
  if (name) return `<a href="#${anchor(name)}">${escapeHtml(name)}</a>`;
  if (Array.isArray(schema.oneOf)) return (schema.oneOf as Json[]).map(describeType).join(' | ');
  if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  if (Array.isArray(schema.enum)) return `one of: ${(schema.enum as unknown[]).map((v) => `<code>${escapeHtml(v)}</code>`).join(', ')}`;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [String(schema.type)] : ['any'];
  let text = types
    .map((type) => (type === 'array' && schema.items ? `array of ${describeType(schema.items as Json)}` : escapeHtml(type)))
    .join(' | ');
  if (schema.format) text += ` (${escapeHtml(schema.format)})`;
  return text;
}

function constraints(schema: Json): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`above ${schema.exclusiveMinimum}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined)
    parts.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? '…'} items`);
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) parts.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  if (schema.default !== undefined) parts.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  return parts.join('; ');
}

function fieldsTable(schema: Json): string {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(properties).map(
    ([name, field]) =>
      `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td>` +
      `<td>${describeType(field)}</td><td>${constraints(field)}</td><td>${inline(field.description ?? '')}</td></tr>`,
  );
  if (rows.length === 0) return '';
  const closed = schema.additionalProperties === false ? '<p class="note">Any other field is refused (400).</p>' : '';
  return `<table><thead><tr><th>field</th><th>type</th><th>limits</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>${closed}`;
}

function parametersTable(parameters: Json[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escapeHtml(p.in)}</td>` +
      `<td>${describeType(p.schema as Json)}</td><td>${constraints((p.schema ?? {}) as Json)}</td><td>${inline(p.description ?? '')}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>limits</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function responsesList(responses: Record<string, Json>): string {
  const items = Object.entries(responses).map(([code, response]) => {
    const content = (response.content ?? {}) as Record<string, Json>;
    const bodies = Object.entries(content).map(([type, media]) => `<code>${escapeHtml(type)}</code> ${describeType(media.schema as Json)}`);
    return `<li><span class="code c${code[0]}">${escapeHtml(code)}</span> ${inline(response.description)}${bodies.length ? ` — ${bodies.join(', ')}` : ''}</li>`;
  });
  return `<h4>Responses</h4><ul class="responses">${items.join('')}</ul>`;
}

function operationSection(path: string, method: string, op: Json): string {
  const roles = Array.isArray(op['x-roles']) ? (op['x-roles'] as string[]) : null;
  const security =
    Array.isArray(op.security) && op.security.length === 0 ? 'no API key needed' : roles ? `roles: ${roles.join(', ')}` : 'API key';
  const body = op.requestBody as Json | undefined;
  const bodySchema = body ? (((body.content as Record<string, Json>)['application/json'] ?? {}).schema as Json) : undefined;
  return [
    `<section class="op" id="${escapeHtml(`${method}-${path}`)}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p><strong>${inline(op.summary)}</strong> <span class="auth">(${escapeHtml(security)})</span></p>`,
    op.description ? `<p>${inline(op.description)}</p>` : '',
    parametersTable((op.parameters ?? []) as Json[]),
    bodySchema ? `<h4>Request body</h4><p>JSON: ${describeType(bodySchema)}</p>` : '',
    responsesList((op.responses ?? {}) as Record<string, Json>),
    '</section>',
  ].join('\n');
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1d2330;line-height:1.45}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #d8dde6;padding-bottom:.3rem;margin-top:2.5rem}
code{background:#f1f3f7;padding:0 .25rem;border-radius:3px;font-size:.92em}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem} th,td{border:1px solid #d8dde6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7fa} .op{border:1px solid #d8dde6;border-radius:6px;padding:.2rem 1rem .6rem;margin:1rem 0}
.method{display:inline-block;min-width:3.6rem;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:.15rem .4rem}
.get{background:#2f6fb3}.post{background:#2f8a4c}.put{background:#a26a12}.patch{background:#7a4bb3}.delete{background:#b33a3a}
.req{color:#b33a3a;font-size:.75rem}.auth{color:#5b6577}.note{color:#5b6577;font-size:.9rem}
.code{display:inline-block;min-width:2.4rem;font-weight:600}.c2{color:#2f8a4c}.c4{color:#a26a12}.c5{color:#b33a3a}
.responses{list-style:none;padding-left:0} nav a{margin-right:1rem}
`;

export function renderDocsPage(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const schemas = (((doc.components ?? {}) as Json).schemas ?? {}) as Record<string, Json>;
  const tags = ((doc.tags ?? []) as Json[]).map((t) => String(t.name));
  const ops: { tag: string; html: string }[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) ops.push({ tag: String(((op.tags ?? []) as string[])[0] ?? 'other'), html: operationSection(path, method, op) });
    }
  }
  const sections = tags.map(
    (tag) =>
      `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>\n${ops
        .filter((o) => o.tag === tag)
        .map((o) => o.html)
        .join('\n')}`,
  );
  const schemaSections = Object.entries(schemas).map(
    ([name, schema]) =>
      `<section id="${anchor(name)}"><h3>${escapeHtml(name)}</h3>${schema.description ? `<p>${inline(schema.description)}</p>` : ''}${fieldsTable(schema) || `<p>${describeType(schema)}</p>`}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<p>Version ${escapeHtml(info.version)} · OpenAPI ${escapeHtml(doc.openapi)} · <a href="openapi.json">openapi.json</a></p>
<p>${inline(info.description)}</p>
<nav>${tags.map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`).join('')}<a href="#schemas">schemas</a></nav>
${sections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemaSections.join('\n')}
</body></html>
`;
}
