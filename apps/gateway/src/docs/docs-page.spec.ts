import { describe, expect, it } from '@jest/globals';
import { describeType, escapeHtml, renderDocsPage } from './docs-page.js';
import { requestBodySchemas } from './request-schemas.js';

describe('the docs page', () => {
  it('escapes text from the document', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const page = renderDocsPage({ openapi: '3.1.0', info: { title: '<script>x</script>', version: '1' }, paths: {} });
    expect(page).not.toContain('<script>x');
  });

  it('describes types in a few words', () => {
    expect(describeType({ type: ['string', 'null'], format: 'date-time' })).toBe('string | null (date-time)');
    expect(describeType({ $ref: '#/components/schemas/JobView' })).toBe('<a href="#schema-JobView">JobView</a>');
    expect(describeType({ type: 'array', items: { type: 'integer' } })).toBe('array of integer');
    expect(describeType({ enum: ['a', 'b'] })).toBe('one of: <code>a</code>, <code>b</code>');
  });

  it('shows every operation, who may call it and the limits of the request fields', () => {
    const page = renderDocsPage({
      openapi: '3.1.0',
      info: { title: 'Crux jobs API', version: '1' },
      tags: [{ name: 'solve' }],
      paths: {
        '/api/v1/solve/basic': {
          post: {
            tags: ['solve'],
            summary: 'Submit',
            'x-roles': ['submitter', 'operator'],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/SolveBasicRequest' } } } },
            responses: { 202: { description: 'Accepted' } },
          },
        },
        '/healthz': { get: { tags: ['solve'], summary: 'Liveness', security: [], responses: { 200: { description: 'Up' } } } },
      },
      components: { schemas: requestBodySchemas() },
    });
    expect(page).toContain('<span class="method post">POST</span> <code>/api/v1/solve/basic</code>');
    expect(page).toContain('roles: submitter, operator');
    expect(page).toContain('<span class="method get">GET</span> <code>/healthz</code>');
    expect(page).toContain('no API key needed');
    expect(page).toContain('at most 20000 characters');
    expect(page).toContain('1 to 50; default <code>3</code>');
    expect(page).toContain('above 0');
  });
});
