import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth-context.js';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { FileUrlSigner } from '../infra/storage/file-url-signer.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';

/**
 * Serves locally stored files to whoever holds a signed URL (an `<img src>` on a storefront): no API key,
 * but a valid HMAC signature and an expiry in the future. Not part of the SDK surface: clients only ever
 * follow URLs the API handed them, so the route stays out of the OpenAPI document.
 */
@ApiExcludeController()
@Controller('v1/files')
export class FilesController {
  constructor(
    private readonly signer: FileUrlSigner,
    private readonly storage: ObjectStorage,
  ) {}

  @Public()
  @Get('*')
  async getFile(
    @Param('*') key: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const check = this.signer.check(key, expires, signature);
    if (check !== 'valid') {
      throw new ProblemException(
        403,
        ProblemCode.Forbidden,
        check === 'expired'
          ? 'This file URL has expired; fetch the resource again for a fresh one.'
          : 'This file URL is not valid.',
      );
    }
    const content = await this.storage.get(key);
    if (!content) throw ProblemException.notFound('File');
    const secondsLeft = Math.max(0, Number(expires) - Math.floor(Date.now() / 1000));
    reply.headers({
      'cache-control': `private, max-age=${secondsLeft}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'cross-origin',
    });
    return new StreamableFile(content.stream, { type: content.contentType, length: content.size });
  }
}
