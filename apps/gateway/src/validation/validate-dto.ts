import { getMetadataStorage, validateSync, ValidationTypes, type ValidationError } from 'class-validator';
import { ApiHttpError } from '../errors/api-http-error.js';
import { acceptorFor } from './fast-accept.js';

type DtoClass<T> = new () => T;

/** Keys that would change the object's prototype or hide its class from class-validator. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A failed type check makes the range/length checks of the same field noise: report only it. */
const TYPE_CONSTRAINTS = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isIn', 'isUuid', 'isEnum', 'isObject', 'isArray']);

/** class-validator's default wording for these is hard to read. */
const FRIENDLIER: Record<string, (field: string) => string> = {
  isNumber: (field) => `${field} must be a number`,
};

export interface FieldErrors {
  fields: Record<string, string[]>;
  unknown_fields?: string[];
  allowed_fields?: string[];
}

const fieldCache = new WeakMap<DtoClass<unknown>, string[]>();

/** The fields a DTO class declares, from its class-validator metadata. */
export function dtoFields(cls: DtoClass<unknown>): string[] {
  let fields = fieldCache.get(cls);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    fields = [...new Set(metadata.map((m) => m.propertyName))];
    fieldCache.set(cls, fields);
  }
  return fields;
}

/** The fields a DTO lets a client leave out (their validation is conditional on being sent). */
function optionalFields(cls: DtoClass<unknown>): Set<string> {
  let fields = optionalCache.get(cls);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    fields = new Set(metadata.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName));
    optionalCache.set(cls, fields);
  }
  return fields;
}

const optionalCache = new WeakMap<DtoClass<unknown>, Set<string>>();

function messagesOf(error: ValidationError, optional: Set<string>): string[] {
  const constraints = error.constraints ?? {};
  if (error.value === undefined && Object.keys(constraints).length > 0) return [`${error.property} is required`];
  const names = Object.keys(constraints);
  const typeFailure = names.find((name) => TYPE_CONSTRAINTS.has(name));
  const chosen = typeFailure ? [typeFailure] : names;
  const messages = chosen.map((name) => FRIENDLIER[name]?.(error.property) ?? constraints[name]);
  if (error.value !== null || !typeFailure) return messages;
  // null is never "the default": say so, or `n_iters: null` refused reads as a puzzle.
  const hint = optional.has(error.property) ? `, not null: leave ${error.property} out to use its default` : ', not null';
  return messages.map((message) => message + hint);
}

/**
 * Validates a parsed JSON body (or route params) against a class-validator DTO without any
 * type coercion: the value is copied onto an instance as it came, so a string "3" for a
 * number stays a string and fails. Unknown fields are refused by name. Throws a 400 whose
 * message joins every problem, one per field.
 */
export function validateDto<T extends object>(cls: DtoClass<T>, value: unknown, what = 'request body'): T {
  if (value === undefined) {
    throw new ApiHttpError(400, `${what} must be a JSON object; send it with Content-Type: application/json`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiHttpError(400, `${what} must be a JSON object`);
  }
  const instance = new cls() as Record<string, unknown>;
  const reserved: string[] = [];
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) reserved.push(key);
    else instance[key] = (value as Record<string, unknown>)[key];
  }
  // Most bodies are valid: say so without class-validator's executor. Anything else is judged,
  // and worded, by class-validator itself.
  if (reserved.length === 0 && acceptorFor(cls)(instance)) return instance as T;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
  });
  if (errors.length === 0 && reserved.length === 0) return instance as T;

  const details: FieldErrors = { fields: {} };
  const unknown = [...reserved];
  for (const error of errors) {
    if (error.constraints?.whitelistValidation) unknown.push(error.property);
    else details.fields[error.property] = messagesOf(error, optionalFields(cls));
  }
  const messages = Object.values(details.fields).flat();
  if (unknown.length > 0) {
    details.unknown_fields = unknown;
    details.allowed_fields = dtoFields(cls);
    messages.push(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${details.allowed_fields.join(', ')})`);
  }
  throw new ApiHttpError(400, messages.join('; '), details);
}
