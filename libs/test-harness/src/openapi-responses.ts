import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A real answer, as a test received it. */
export interface ReceivedAnswer {
  status: number;
  /** The Content-Type header, if any. */
  contentType: string | null;
  /** The parsed JSON body, or the text of any other body ('' for none). */
  body: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Checks real answers against the response schemas of an OpenAPI 3.1 document: the status
 * must be one the operation documents, with the media type and body shape documented for it.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { path: string; pattern: RegExp; params: number }[];

  constructor(private readonly doc: Json) {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.templates = Object.keys(doc.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      params: (path.match(/\{/g) ?? []).length,
    }));
  }

  /** Every operation of the document as `METHOD path` with its operationId. */
  operations(): { method: string; path: string; operationId: string }[] {
    return Object.entries(this.doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ method, path, operationId: item[method].operationId as string })),
    );
  }

  /** The operation that serves a request URL (its query ignored), the most literal path first. */
  operationFor(method: string, url: string): { path: string; operation: Json } | null {
    const pathname = new URL(url, 'http://x').pathname;
    const match = this.templates.filter((t) => t.pattern.test(pathname)).sort((a, b) => a.params - b.params)[0];
    const operation = match && this.doc.paths[match.path][method.toLowerCase()];
    return operation ? { path: match.path, operation } : null;
  }

  /** What is wrong with an answer to `method url`, as sentences; empty when it is as documented. */
  problems(method: string, url: string, answer: ReceivedAnswer): string[] {
    const found = this.operationFor(method, url);
    const where = `${method.toUpperCase()} ${url} → ${answer.status}`;
    if (!found) return [`${where}: no operation in the document serves it`];
    const response = found.operation.responses?.[String(answer.status)];
    if (!response) return [`${where}: ${found.operation.operationId} does not document ${answer.status}`];
    const content = response.content as Record<string, Json> | undefined;
    if (!content) return answer.body === '' || answer.body === undefined ? [] : [`${where}: a body where none is documented`];
    const mediaType = (answer.contentType ?? '').split(';')[0].trim();
    const media = content[mediaType] ?? content['*/*'];
    if (!media) return [`${where}: ${mediaType || 'no content type'} is not one of ${Object.keys(content).join(', ')}`];
    const pointer = `${found.path} ${method} ${answer.status} ${mediaType}`;
    return this.schemaProblems(pointer, media.schema ?? {}, answer.body).map((problem) => `${where}: ${problem}`);
  }

  /** Problems of one Server-Sent Event's data against the schema the operation gives event data (`contentSchema`). */
  eventProblems(url: string, data: unknown): string[] {
    const found = this.operationFor('get', url);
    const schema = found?.operation.responses?.['200']?.content?.['text/event-stream']?.schema?.contentSchema;
    if (!schema) return [`GET ${url}: no event data schema documented`];
    return this.schemaProblems(`${found!.path} event`, schema, data).map((problem) => `GET ${url} event: ${problem}`);
  }

  private schemaProblems(key: string, schema: Json, value: unknown): string[] {
    let validate = this.validators.get(key);
    if (!validate) {
      // The document's `#/components/...` references resolve against the root of what is compiled.
      validate = this.ajv.compile({ ...schema, components: this.doc.components });
      this.validators.set(key, validate);
    }
    return validate(value) ? [] : [this.ajv.errorsText(validate.errors, { dataVar: 'body' })];
  }
}
