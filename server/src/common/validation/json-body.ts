import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { ProblemCode, ProblemException } from '../errors/problem.js';

/** No request of this API nests deeper than a few levels; 5,000 nested arrays must not reach validation. */
export const MAX_JSON_DEPTH = 32;

/** True when the JSON text opens more than `maxDepth` arrays or objects inside one another. */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return false;
}

/**
 * Fastify's own JSON parser (prototype poisoning refused) behind a nesting cap, so a deeply nested body
 * answers 400 before anything walks it. Given to Nest's `app.useBodyParser('application/json', ...)`.
 */
export function depthLimitedJsonParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    const text = body.toString('utf8');
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new ProblemException(
          400,
          ProblemCode.InvalidRequest,
          `The JSON body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
        ),
        undefined,
      );
      return;
    }
    void parseJson(request, text, done);
  };
}
