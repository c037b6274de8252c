import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PurgeConfirmBody, PurgePlanBody, ReasonBody, SolveBasicRequest, SolveEnhancedRequest } from '@crux/contracts';
import { openApiDocument } from '../src/docs/openapi.js';
import { RouteTable } from '../src/http/route-table.js';
import { dtoFields } from '../src/validation/validate-dto.js';
import { startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every route the running app serves, as `METHOD /path/{param}`. */
function servedRoutes(gateway: Gateway): string[] {
  // Fastify adds a HEAD route for every GET; the document describes the GETs.
  return gateway.app
    .get(RouteTable)
    .routes.filter((route) => route.method !== 'HEAD')
    .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`)
    .sort();
}

function documentedRoutes(doc: Json): string[] {
  return Object.entries(doc.paths as Record<string, Json>)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe('the OpenAPI description', () => {
  let nats: TestNats;
  let gateway: Gateway;
  const doc = openApiDocument() as Json;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it('is OpenAPI 3.1 and served at /api/v1/openapi.json', async () => {
    const answer = await gateway.request('/api/v1/openapi.json', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.json.openapi).toBe('3.1.0');
    expect(answer.json).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('describes exactly the routes the gateway serves', () => {
    expect(documentedRoutes(doc)).toEqual(servedRoutes(gateway));
  });

  it.each([
    ['SolveBasicRequest', SolveBasicRequest, ['question']],
    ['SolveEnhancedRequest', SolveEnhancedRequest, ['question']],
    ['ReasonRequest', ReasonBody, undefined],
    ['PurgePlanRequest', PurgePlanBody, undefined],
    ['PurgeConfirmRequest', PurgeConfirmBody, ['confirm_token']],
  ] as const)('has every field of the %s DTO, and no other', (name, dto, required) => {
    const schema = doc.components.schemas[name];
    expect(Object.keys(schema.properties).sort()).toEqual(dtoFields(dto).sort());
    expect(schema.required).toEqual(required);
    expect(schema.additionalProperties).toBe(false);
  });

  it('names the roles of every route that needs a key, as the guard enforces them', () => {
    const roles = (method: string, path: string) => doc.paths[`/api/v1${path}`][method]['x-roles'];
    expect(roles('delete', '/jobs/{id}')).toEqual(['submitter', 'operator']);
    for (const [method, path] of [
      ['post', '/admin/purges'],
      ['get', '/admin/purges/{plan_id}'],
      ['post', '/admin/purges/{plan_id}/confirm'],
      ['post', '/admin/jobs/{id}/restore'],
      ['put', '/admin/jobs/{id}/hold'],
      ['delete', '/admin/jobs/{id}/hold'],
    ]) {
      expect(roles(method, path)).toEqual(['operator']);
    }
    expect(roles('get', '/audit')).toEqual(['auditor', 'operator']);
    expect(roles('get', '/audit/verify')).toEqual(['auditor', 'operator']);
  });

  it('describes the 410 of a deleted job with the fields job-state sends', () => {
    const gone = doc.paths['/api/v1/jobs/{id}'].get.responses[410].content['application/json'].schema;
    expect(gone).toEqual({ $ref: '#/components/schemas/GoneError' });
    expect(doc.components.schemas.GoneError.required).toEqual(['status_code', 'error', 'message', 'deleted_at', 'reason', 'actor']);
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref.split('/').pop()!.replace('"', '');
      expect(doc.components.schemas[name]).toBeDefined();
    }
  });

  it('matches what the gateway answers: a 202 has the SubmitAccepted fields, an error the ApiError fields', async () => {
    const accepted = await gateway.request('/api/v1/solve/basic', { body: { question: 'q' } });
    expect(Object.keys(accepted.json).sort()).toEqual(Object.keys(doc.components.schemas.SubmitAccepted.properties).sort());
    const refused = await gateway.request('/api/v1/solve/basic', { body: {} });
    const errorFields = Object.keys(doc.components.schemas.ApiError.properties);
    for (const field of Object.keys(refused.json)) expect(errorFields).toContain(field);
    for (const field of doc.components.schemas.ApiError.required) expect(refused.json).toHaveProperty(field);
  });

  it('renders a readable page at /api/v1/docs, with no outside resources', async () => {
    const answer = await gateway.request('/api/v1/docs', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = answer.text;
    expect(html).toContain('<title>Crux jobs API</title>');
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('id="schema-SolveBasicRequest"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<script');
  });
});
