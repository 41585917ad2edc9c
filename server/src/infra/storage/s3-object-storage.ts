import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { pipeline, type Readable, Transform } from 'node:stream';
import type { AppConfig } from '../../config/app-config.js';
import { assertObjectKey } from './object-key.js';
import {
  DEFAULT_SIGNED_URL_TTL_SECONDS,
  ObjectStorage,
  type ObjectContent,
  type SignedUrlOptions,
  type StoredObjectEntry,
} from './object-storage.js';

export type S3Settings = NonNullable<AppConfig['s3']>;

/** S3's minimum multipart part size; with two parts in flight an upload holds at most ~10 MB in memory. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** Objects in an S3-compatible bucket; browsers fetch them through presigned GET URLs. */
export class S3ObjectStorage extends ObjectStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    super();
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      // Self-hosted S3 servers (MinIO, Ceph, Garage...) rarely have wildcard DNS for bucket subdomains.
      forcePathStyle: settings.endpoint !== undefined,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
    });
  }

  async put(key: string, body: Buffer | Readable, contentType: string): Promise<{ size: number }> {
    assertObjectKey(key);
    const counted = Buffer.isBuffer(body) ? undefined : withByteCount(body);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counted?.stream ?? body, ContentType: contentType },
      partSize: PART_SIZE_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      // On failure the multipart upload is aborted, so no orphaned parts keep costing storage.
      leavePartsOnError: false,
    });
    await upload.done();
    return { size: counted ? counted.bytes() : (body as Buffer).length };
  }

  async get(key: string): Promise<ObjectContent | undefined> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        stream: response.Body as Readable,
        contentType: response.ContentType ?? 'application/octet-stream',
        size: response.ContentLength ?? 0,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async exists(key: string): Promise<boolean> {
    assertObjectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<StoredObjectEntry> {
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified) yield { key: object.Key, modifiedAt: object.LastModified };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertObjectKey(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: options.expiresInSeconds ?? DEFAULT_SIGNED_URL_TTL_SECONDS,
    });
  }

  override destroy(): void {
    this.client.destroy();
  }
}

function withByteCount(source: Readable): { stream: Readable; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // pipeline() carries a source error into `stream`, where the upload sees it and aborts.
  pipeline(source, stream, () => undefined);
  return { stream, bytes: () => bytes };
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
}
