import { Webhook } from 'standardwebhooks';
import type { PoseGeneration, WebhookEndpoint, WebhookEvent } from '../generated/prisma/client.js';
import { generationEventData } from '../generations/generation-completion.service.js';
import { signingSecrets, webhookBody } from './webhook-deliverer.service.js';
import { generateWebhookSecret, webhookHeaders } from './webhook-signature.js';

const generation = {
  id: '01938a6e-6f1e-7cc3-9a51-0f2b9c1d2e3f',
  userId: '01938a6e-6f1e-7cc3-9a51-0f2b9c1d2e40',
  projectId: null,
  brandKitId: '01938a6e-6f1e-7cc3-9a51-0f2b9c1d2e41',
  status: 'partial',
  totalPoses: 500,
  successfulPoses: 497,
  failedPoses: 3,
  canceledPoses: 0,
  creditUsed: 497,
  completedAt: new Date('2026-11-27T10:00:00Z'),
} as PoseGeneration;

describe('webhook deliveries', () => {
  it('sends a generation.completed for 500 poses in well under 20 KB, in the Standard Webhooks envelope', () => {
    const event = {
      id: '01938a6e-6f1e-7cc3-9a51-0f2b9c1d2e42',
      userId: generation.userId,
      type: 'generation.completed',
      payload: generationEventData(generation),
      createdAt: new Date('2026-11-27T10:00:01Z'),
    } as WebhookEvent;
    const body = webhookBody(event);
    expect(body.length).toBeLessThan(20_000);
    const secret = generateWebhookSecret();
    const headers = webhookHeaders([secret], event.id, Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({
      id: event.id,
      type: 'generation.completed',
      timestamp: '2026-11-27T10:00:01.000Z',
      data: {
        generation: expect.objectContaining({
          id: generation.id,
          status: 'partial',
          totalPoses: 500,
          successfulPoses: 497,
          failedPoses: 3,
          links: {
            poses: `/v1/generations/${generation.id}/poses`,
            archive: `/v1/generations/${generation.id}/archive`,
          },
        }),
      },
    });
  });

  it('signs with the previous secret too until its 24 hours are over', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const endpoint = {
      secret: 'whsec_new',
      previousSecret: 'whsec_old',
      previousSecretExpiresAt: new Date('2026-11-28T09:00:00Z'),
    } as WebhookEndpoint;
    expect(signingSecrets(endpoint, now)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(endpoint, new Date('2026-11-28T09:00:01Z'))).toEqual(['whsec_new']);
    expect(signingSecrets({ ...endpoint, previousSecret: null, previousSecretExpiresAt: null }, now)).toEqual([
      'whsec_new',
    ]);
  });
});
