import type { components, operations } from './schema.gen.js';

/** Every schema of the API, by name: `Schemas['GenerationDto']`. */
export type Schemas = components['schemas'];
export type OperationId = keyof operations;

type JsonContent<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessStatus = 200 | 201 | 202;

/** The JSON body of an operation's success response. */
export type ResultOf<K extends OperationId> = JsonContent<
  operations[K]['responses'][Extract<keyof operations[K]['responses'], SuccessStatus>]
>;

/** The JSON request body of an operation. */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody?: infer B }
  ? JsonContent<NonNullable<B>>
  : never;

/**
 * The query parameters of an operation, all optional: the spec marks parameters that have a server
 * default (`limit`) as required.
 */
export type QueryOf<K extends OperationId> = operations[K] extends { parameters: { query?: infer Q } }
  ? Partial<NonNullable<Q>>
  : never;

export type Problem = Schemas['ProblemDto'];
export type BrandKit = Schemas['BrandKitDto'];
export type Avatar = Schemas['AvatarDto'];
export type Product = Schemas['ProductDto'];
export type PoseTemplate = Schemas['PoseTemplateDto'];
export type PoseDetection = Schemas['PoseDetectionDto'];
export type Project = Schemas['ProjectDto'];
export type Generation = Schemas['GenerationDto'];
export type GenerationStatus = Schemas['GenerationStatus'];
export type GeneratedPose = Schemas['GeneratedPoseDto'];
export type ApiKey = Schemas['ApiKeyDto'];
export type ClientToken = Schemas['ClientTokenDto'];
export type ClientTokenScope = Schemas['ClientTokenScope'];
