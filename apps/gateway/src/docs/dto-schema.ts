/**
 * JSON Schema (OpenAPI 3.1) of a request DTO, read from its class-validator metadata: the
 * same decorators the gateway validates with (validation/validate-dto.ts), so a limit in
 * the document cannot differ from the limit enforced. A validator this file does not know
 * stops the document from being built rather than leaving a field undescribed.
 */
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { AdminLimits } from '@crux/contracts';

export type Schema = Record<string, unknown>;
type DtoClass = abstract new () => object;
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** What prose the validators cannot carry: a description and the default a left-out field gets. */
export interface FieldDoc {
  description: string;
  default?: unknown;
}

/** Each validator's part of a field's schema; `each` validators describe the items of a list. */
const VALIDATOR_SCHEMAS: Record<string, (constraints: unknown[]) => Schema> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isIn: ([values]) => ({ ...typeOfValues(values as unknown[]), enum: [...(values as unknown[])] }),
  minLength: ([n]) => ({ minLength: n }),
  maxLength: ([n]) => ({ maxLength: n }),
  min: ([n]) => ({ minimum: n }),
  max: ([n]) => ({ maximum: n }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayMaxSize: ([n]) => ({ maxItems: n }),
  // The contracts' own validators (ValidateBy with these names).
  hasText: () => ({ minLength: 1, pattern: '\\S' }),
  notAboveTimeLimit: () => ({}),
  isDuration: () => ({
    oneOf: [
      {
        type: 'string',
        pattern: '^[0-9]{1,12}[smhdw]$',
        description: `A duration: "30m", "12h", "7d", "2w" (at most ${AdminLimits.olderThanMaxS} s).`,
      },
      { type: 'integer', minimum: 0, maximum: AdminLimits.olderThanMaxS, description: 'Seconds.' },
    ],
  }),
};

/** What a validator requires that no schema keyword says; appended to the field's description. */
const VALIDATOR_NOTES: Record<string, string> = {
  hasText: 'Not blank.',
  notAboveTimeLimit: 'Not above `time_limit_s` when both are given.',
};

function typeOfValues(values: unknown[]): Schema {
  const types = [...new Set(values.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)))];
  return types.length === 1 && ['string', 'integer', 'number', 'boolean'].includes(types[0]) ? { type: types[0] } : {};
}

function validatorSchema(cls: DtoClass, meta: ValidationMetadata): Schema {
  const name = meta.name ?? '';
  const make = VALIDATOR_SCHEMAS[name];
  if (!make)
    throw new Error(
      `no JSON Schema for the validator "${name || meta.type}" on ${cls.name}.${meta.propertyName}: add it to docs/dto-schema.ts`,
    );
  return make(meta.constraints ?? []);
}

/** A field that may be null as well: IsOptional() lets null through (the contracts' Optional() does not). */
function orNull(schema: Schema): Schema {
  if (Array.isArray(schema.oneOf)) return { ...schema, oneOf: [...schema.oneOf, { type: 'null' }] };
  const out: Schema = { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  return out;
}

/**
 * The schema of one DTO class: every field class-validator knows, required unless it is
 * conditional (IsOptional, ValidateIf), no other field allowed (the gateway refuses unknown
 * fields by name). `docs` adds each field's description and default.
 */
export function dtoSchema<T extends object>(cls: new () => T, docs: { [K in keyof Required<T>]: FieldDoc }): Schema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const fields = [...new Set(metadata.map((m) => m.propertyName))];
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const field of fields) {
    const own = metadata.filter((m) => m.propertyName === field);
    const conditional = own.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION);
    let schema: Schema = {};
    let items: Schema = {};
    for (const meta of own) {
      if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
      if (meta.each) items = { ...items, ...validatorSchema(cls, meta) };
      else schema = { ...schema, ...validatorSchema(cls, meta) };
    }
    if (Object.keys(items).length > 0) schema.items = items;
    // Validators are stored last decorator first; the type leads for a reader.
    const { type, ...constraints } = schema;
    schema = type === undefined ? constraints : { type, ...constraints };
    const doc = (docs as Record<string, FieldDoc | undefined>)[field];
    if (!doc) throw new Error(`${cls.name}.${field} has no description in the OpenAPI field docs`);
    const notes = own.map((m) => VALIDATOR_NOTES[m.name ?? '']).filter(Boolean);
    schema = { ...schema, description: [doc.description, ...notes].join(' ') };
    if (doc.default !== undefined) schema.default = doc.default;
    if (conditional.some((m) => m.name === 'isOptional')) schema = orNull(schema);
    if (conditional.length === 0) required.push(field);
    properties[field] = schema;
  }
  const undocumented = Object.keys(docs).filter((field) => !fields.includes(field));
  if (undocumented.length > 0) throw new Error(`${cls.name} has no field ${undocumented.join(', ')}, yet the field docs describe it`);
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties, additionalProperties: false };
}
