import type { Type } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { ProblemCode, ProblemException } from '../errors/problem.js';
import { createValidationPipe } from '../errors/validation.js';
import { isStorableText } from './text-safety.js';

export interface MultipartLimits {
  /** Per file; the first byte past it answers 413. */
  fileBytes: number;
  files: number;
  fields: number;
  fieldBytes: number;
}

/** A file part's bytes as they stream in; `truncated` is set when the parser stopped it at the limit. */
export type FilePartStream = Readable & { truncated?: boolean };

/**
 * Where a file part's bytes go: `receive` takes the stream (and the size the request announces) and answers
 * the content; `discard` releases a content when the form is refused after it was received.
 */
export interface FileReceiver<Content> {
  receive(file: FilePartStream, expectedBytes: number): Promise<Content>;
  discard?(content: Content): Promise<void>;
}

export interface MultipartFormOptions<Fields extends object, Content = Buffer> {
  /** The one field name file parts may use (`file`, `files`). */
  fileField: string;
  limits: MultipartLimits;
  /** Text fields are validated against this DTO; without it, any text field is refused. */
  fieldsType?: Type<Fields>;
  /** Tells the client what to send when the request is not multipart (415). */
  expected: string;
  /** Without it, each file is read into memory (a Buffer). */
  receiver?: FileReceiver<Content>;
}

export interface MultipartFile<Content = Buffer> {
  filename: string;
  content: Content;
}

export interface MultipartForm<Fields, Content = Buffer> {
  files: MultipartFile<Content>[];
  fields: Fields;
}

/** Reads a file part into memory; see readFilePart. */
const inMemory: FileReceiver<Buffer> = { receive: (file, expectedBytes) => readFilePart(file, expectedBytes) };

const MEGABYTE = 1024 * 1024;
const fieldValidation = createValidationPipe();

/**
 * Reads a multipart/form-data request for every upload route. Limits apply while the body streams in, a
 * malformed body (no boundary, a cut-off part, a broken header) answers 400, and the text fields pass the
 * same validation as JSON bodies. Nothing is stored before this returns.
 */
export async function readMultipartForm<Fields extends object, Content = Buffer>(
  request: FastifyRequest,
  options: MultipartFormOptions<Fields, Content>,
): Promise<MultipartForm<Fields | undefined, Content>> {
  const receiver = options.receiver ?? (inMemory as unknown as FileReceiver<Content>);
  const files: MultipartFile<Content>[] = [];
  try {
    return await readForm(request, options, receiver, files);
  } catch (error) {
    for (const file of files) await receiver.discard?.(file.content);
    throw error;
  }
}

async function readForm<Fields extends object, Content>(
  request: FastifyRequest,
  options: MultipartFormOptions<Fields, Content>,
  receiver: FileReceiver<Content>,
  files: MultipartFile<Content>[],
): Promise<MultipartForm<Fields | undefined, Content>> {
  const { fileField, limits } = options;
  if (!request.isMultipart()) {
    throw new ProblemException(
      415,
      ProblemCode.UnsupportedMediaType,
      `Send multipart/form-data with ${options.expected}.`,
    );
  }
  const fields: Record<string, string> = {};
  try {
    const parts = request.parts({
      limits: {
        fileSize: limits.fileBytes,
        files: limits.files,
        fields: limits.fields,
        fieldSize: limits.fieldBytes,
        parts: limits.files + limits.fields,
      },
    });
    for await (const part of parts) {
      if (!isStorableText(part.fieldname))
        throw invalidField('body', 'field names must not contain NUL or unpaired surrogates');
      if (part.type === 'file') {
        if (part.fieldname !== fileField)
          throw invalidField(part.fieldname, `${part.fieldname} must not be a file; send files as ${fileField}`);
        if (!isStorableText(part.filename))
          throw invalidField(fileField, `the file name must not contain NUL or unpaired surrogates`);
        const content = await receiver.receive(part.file, expectedFileBytes(request, limits));
        files.push({ filename: part.filename, content });
        // The parser stops a file at the limit and marks it truncated: refused with the parser's own code.
        if ((part.file as FilePartStream).truncated) {
          throw Object.assign(new Error('file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
        }
      } else {
        if (part.fieldname === fileField)
          throw invalidField(fileField, `${fileField} must be a file part, not a text field`);
        if (part.valueTruncated)
          throw invalidField(part.fieldname, `${part.fieldname} is longer than ${limits.fieldBytes} bytes`);
        // An empty field is a field left blank (Swagger UI, HTML forms): absent, never the empty string.
        if (part.value !== '') fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw asMultipartProblem(error, limits);
  }
  if (files.length === 0) throw invalidField(fileField, `${fileField} is required`);
  if (!options.fieldsType) {
    const unexpected = Object.keys(fields);
    if (unexpected.length > 0)
      throw invalidField(unexpected[0], `${unexpected[0]} is not expected; send only the file`);
    return { files, fields: undefined };
  }
  const validated = (await fieldValidation.transform(fields, { type: 'body', metatype: options.fieldsType })) as Fields;
  return { files, fields: validated };
}

/** A file part's size as far as the request tells it: its Content-Length, capped by the file limit. */
function expectedFileBytes(request: FastifyRequest, limits: MultipartLimits): number {
  const declared = Number(request.headers['content-length']);
  return Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, limits.fileBytes) : 64 * 1024;
}

/**
 * Reads a file part into one buffer allocated up front and copies each chunk in as it arrives. Collecting
 * the chunks and concatenating them at the end (the parser's `toBuffer`) held each upload twice at its
 * peak, which with several large uploads at once was most of the server's memory.
 */
async function readFilePart(file: FilePartStream, expectedBytes: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(expectedBytes);
  let length = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    if (length + chunk.length > buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, length + chunk.length));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    chunk.copy(buffer, length);
    length += chunk.length;
  }
  return buffer.subarray(0, length);
}

function invalidField(field: string, message: string): ProblemException {
  return new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${field}.`, [
    { field, message },
  ]);
}

function asMultipartProblem(error: unknown, limits: MultipartLimits): unknown {
  if (error instanceof ProblemException) return error;
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ProblemException(
        413,
        ProblemCode.PayloadTooLarge,
        `A file is larger than the ${+(limits.fileBytes / MEGABYTE).toFixed(2)} MB (${limits.fileBytes} bytes) allowed here.`,
      );
    case 'FST_FILES_LIMIT':
      return new ProblemException(
        400,
        ProblemCode.InvalidRequest,
        limits.files === 1 ? 'Send one file per request.' : `Send at most ${limits.files} files per request.`,
      );
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ProblemException(400, ProblemCode.InvalidRequest, `Send at most ${limits.fields} text fields.`);
    default:
      // Anything else the multipart parser raises (busboy's "Unexpected end of form", "Malformed part
      // header", a missing boundary) is a body that is not well-formed multipart.
      return new ProblemException(
        400,
        ProblemCode.InvalidRequest,
        `The multipart body is malformed: ${(error as Error).message ?? 'unreadable'}.`,
      );
  }
}
