import { Injectable, type PipeTransform } from '@nestjs/common';
import { ProblemException } from '../errors/problem.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Path ids that cannot exist answer 404, exactly like another tenant's id, so a
 * malformed id never reaches the database and never reveals anything.
 */
@Injectable()
export class ResourceIdPipe implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}

  transform(value: string): string {
    if (!isUuid(value)) throw ProblemException.notFound(this.resource);
    return value.toLowerCase();
  }
}
