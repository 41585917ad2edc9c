import { ValidateIf } from 'class-validator';

/**
 * An optional field that, when present, must be valid: unlike `@IsOptional()`, `null` is validated (and so
 * refused by the field's own rules) instead of passing as "absent".
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
