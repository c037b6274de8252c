import { getMetadataStorage, ValidationTypes, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';

/** Whether a DTO instance passes every check: `true` only when class-validator would find no error. */
export type Acceptor = (instance: Record<string, unknown>) => boolean;

interface Check {
  constraints: unknown[];
  validateIf?: (object: object, value: unknown) => boolean;
  validators: ValidatorConstraintInterface[];
}

interface PropertyPlan {
  name: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Check[];
}

/** Never accepts: what class-validator alone can judge (nested DTOs, `each`, async checks, …). */
const NEVER: Acceptor = () => false;

/** A DTO class, as class-validator's metadata is keyed. */
type DtoClass = abstract new (...args: never[]) => object;

const cache = new WeakMap<DtoClass, Acceptor>();

/**
 * The accepting half of class-validator, compiled once per DTO class from the same decorator
 * metadata `validateSync` reads: the same `ValidateIf` conditions and the same constraint
 * instances, called directly with the same arguments, without the ValidationError objects,
 * the metadata lookups and the filtering `validateSync` does on every call (7 % of the
 * gateway's CPU per submit).
 *
 * It only says yes or "ask class-validator": a body it does not accept goes through
 * `validateSync` as before, so every 400 and its wording come from class-validator. It
 * mirrors validateDto's options (whitelist, forbidNonWhitelisted, forbidUnknownValues, no
 * groups) and gives up — never accepting — on any metadata it does not model.
 */
export function acceptorFor(cls: DtoClass): Acceptor {
  let acceptor = cache.get(cls);
  if (!acceptor) {
    acceptor = compile(cls);
    cache.set(cls, acceptor);
  }
  return acceptor;
}

function compile(cls: DtoClass): Acceptor {
  const storage = getMetadataStorage();
  // The arguments validateSync's executor uses with validateDto's options (no groups, `always` off).
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  // forbidUnknownValues: a class without metadata is always refused.
  if (metadatas.length === 0) return NEVER;
  const plans = new Map<string, PropertyPlan>();
  for (const metadata of metadatas) {
    let plan = plans.get(metadata.propertyName);
    if (!plan) {
      plan = { name: metadata.propertyName, conditions: [], checks: [] };
      plans.set(metadata.propertyName, plan);
    }
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      plan.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
      continue;
    }
    if (metadata.type !== ValidationTypes.CUSTOM_VALIDATION && metadata.type !== ValidationTypes.IS_DEFINED) return NEVER;
    if (metadata.each) return NEVER;
    const constraintMetadatas = storage.getTargetValidatorConstraints(metadata.constraintCls);
    if (constraintMetadatas.some((constraint) => constraint.async)) return NEVER;
    plan.checks.push({
      constraints: metadata.constraints,
      validateIf: metadata.validateIf,
      validators: constraintMetadatas.map((constraint) => constraint.instance),
    });
  }
  const properties = [...plans.values()];
  const targetName = cls.name;

  return (instance) => {
    // whitelist + forbidNonWhitelisted: a key no decorator names is an error.
    for (const key in instance) {
      if (Object.hasOwn(instance, key) && !plans.has(key)) return false;
    }
    for (const plan of properties) {
      const value = instance[plan.name];
      let applies = true;
      for (const condition of plan.conditions) applies = condition(instance, value) && applies;
      if (!applies) continue;
      const args: ValidationArguments = { targetName, property: plan.name, object: instance, value, constraints: [] };
      for (const check of plan.checks) {
        if (check.validateIf && !check.validateIf(instance, value)) continue;
        args.constraints = check.constraints;
        for (const validator of check.validators) {
          // As class-validator reads it: any truthy answer passes. A promise (an asynchronous
          // check) is not a yes here: class-validator decides.
          const valid: unknown = validator.validate(value, args);
          if (!valid || typeof (valid as { then?: unknown }).then === 'function') return false;
        }
      }
    }
    return true;
  };
}
