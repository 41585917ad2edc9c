import { Inject, Injectable } from '@nestjs/common';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { WebhookDestinationError } from './webhook-address-policy.js';
import { WEBHOOK_TRANSPORT } from './webhook-deliverer.service.js';
import { WebhookTransport } from './webhook-transport.js';

/** The registration-time SSRF check, for endpoints and a generation's own `webhookUrl` alike. */
@Injectable()
export class WebhookDestinations {
  constructor(@Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport) {}

  /** Answers 422 for a URL webhooks may not be sent to; `field` names it in the problem. */
  async assertDeliverable(url: string, field: string): Promise<void> {
    try {
      await this.transport.assertDeliverable(url);
    } catch (error) {
      if (!(error instanceof WebhookDestinationError)) throw error;
      throw new ProblemException(
        422,
        ProblemCode.UnprocessableEntity,
        `The webhook URL is refused: ${error.message}.`,
        [{ field, message: error.message }],
      );
    }
  }
}
