import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { AdminLimits, RequestLimits } from '@crux/contracts';
import { validateDto } from '../validation/validate-dto.js';
import { dtoSchema, type Schema } from './dto-schema.js';
import { requestBodySchemas } from './request-schemas.js';
import { PurgeConfirmBody, PurgePlanBody, ReasonBody, SolveBasicRequest, SolveEnhancedRequest } from '@crux/contracts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);

const schemas = requestBodySchemas() as Record<string, Json>;

describe('request schemas from the DTOs', () => {
  it('carry the limits the validators enforce', () => {
    const basic = schemas.SolveBasicRequest;
    expect(basic.required).toEqual(['question']);
    expect(basic.additionalProperties).toBe(false);
    expect(basic.properties.question).toMatchObject({ type: 'string', minLength: 1, maxLength: RequestLimits.questionMaxChars });
    expect(basic.properties.n_iters).toMatchObject({ type: 'integer', minimum: 1, maximum: RequestLimits.maxIters, default: 3 });
    expect(basic.properties.temperature).toMatchObject({ type: 'number', minimum: 0, maximum: 2 });
    expect(basic.properties.llm_provider).toMatchObject({ type: 'string', enum: ['simulated', 'openai'] });
    expect(basic.properties.time_limit_s).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: RequestLimits.maxTimeLimitS });
    expect(basic.properties.soft_time_limit_s.description).toContain('Not above `time_limit_s`');
    expect(schemas.SolveEnhancedRequest.properties.num_specialists).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: RequestLimits.maxSpecialists,
    });
    expect(schemas.PurgePlanBody.properties.job_ids).toMatchObject({
      type: ['array', 'null'],
      minItems: 1,
      maxItems: AdminLimits.purgeJobIdsMax,
      items: { type: 'string', format: 'uuid' },
    });
    expect(schemas.PurgeConfirmBody).toMatchObject({
      required: ['confirm_token'],
      properties: { confirm_token: { minLength: 1, maxLength: AdminLimits.confirmTokenMaxChars } },
    });
  });

  it('use OpenAPI 3.1 null types, never the 3.0 `nullable`', () => {
    expect(JSON.stringify(schemas)).not.toContain('nullable');
    expect(schemas.ReasonBody.properties.reason.type).toEqual(['string', 'null']);
    // The contracts' Optional() refuses null, so the solve fields do not allow it.
    expect(schemas.SolveBasicRequest.properties.n_iters.type).toBe('integer');
  });

  /** Values at and just past each field's documented limits, on top of a body that is valid otherwise. */
  function probes(schema: Json, base: Json): Json[] {
    const bodies: Json[] = [{ ...base, surplus: 1 }];
    for (const [field, property] of Object.entries(schema.properties as Record<string, Json>)) {
      const values: unknown[] = [null, 'text', 7, 2.5, true, [], {}];
      if (property.maxLength !== undefined) values.push('x'.repeat(property.maxLength), 'x'.repeat(property.maxLength + 1));
      if (property.minLength !== undefined) values.push('', ' ');
      for (const bound of [property.minimum, property.maximum, property.exclusiveMinimum]) {
        if (bound !== undefined) values.push(bound, bound - 1, bound + 1, bound + 0.5);
      }
      for (const option of property.enum ?? []) values.push(option, `${option}x`);
      if (property.items) values.push(['d7c6f1d2-64a4-4c57-9d0e-0f0e7c1c0a11'], ['completed'], ['not-a-status']);
      for (const option of property.oneOf ?? []) values.push(option.maximum, option.maximum + 1, '7d', '7days', -1);
      for (const value of values) bodies.push({ ...base, [field]: value });
    }
    return bodies;
  }

  it.each([
    ['SolveBasicRequest', SolveBasicRequest, { question: 'q' }],
    ['SolveEnhancedRequest', SolveEnhancedRequest, { question: 'q' }],
    ['ReasonBody', ReasonBody, {}],
    ['PurgePlanBody', PurgePlanBody, { status: ['completed'] }],
    ['PurgeConfirmBody', PurgeConfirmBody, { confirm_token: 't' }],
  ] as const)('%s: the schema accepts exactly what the gateway accepts', (name, dto, base) => {
    const validate = ajv.compile(schemas[name]);
    const disagreements: string[] = [];
    for (const body of probes(schemas[name], base)) {
      let gateway = true;
      try {
        validateDto(dto as new () => object, body);
      } catch {
        gateway = false;
      }
      if (validate(body) !== gateway)
        disagreements.push(`${JSON.stringify(body).slice(0, 120)}: gateway ${gateway ? 'accepts' : 'refuses'}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses a validator it has no schema for, and field docs that do not match the class', () => {
    class Contact {
      @IsEmail()
      email!: string;
    }
    expect(() => dtoSchema(Contact, { email: { description: 'An address.' } })).toThrow(
      'no JSON Schema for the validator "isEmail" on Contact.email',
    );

    class Note {
      @IsString()
      @MaxLength(10)
      text!: string;
    }
    const schema: Schema = dtoSchema(Note, { text: { description: 'Short.' } });
    expect(schema).toEqual({
      type: 'object',
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 10, description: 'Short.' } },
      additionalProperties: false,
    });
    expect(() => dtoSchema(Note, { text: { description: 'Short.' }, extra: { description: 'No such field.' } } as never)).toThrow(
      'Note has no field extra',
    );
    expect(() => dtoSchema(Note, {} as never)).toThrow('Note.text has no description');
  });
});
