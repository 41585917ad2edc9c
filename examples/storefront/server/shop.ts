import { Lumiku, UnprocessableEntityError, type BrandKit } from '@lumiku/pose-sdk';
import { config } from './config.js';

/** The scopes the page needs: browse poses, quote and start generations, follow them. */
const PAGE_SCOPES = ['poses:read', 'generations:create', 'generations:read'] as const;
const CLIENT_TOKEN_TTL_SECONDS = 15 * 60;

/**
 * What the shop sets up on the Lumiku side when its server starts, and takes down when it stops:
 * its brand kit, an API key whose client tokens the page's origins may use, and a webhook endpoint.
 */
export class Shop {
  private constructor(
    /** The secret key's client: every merchant-side call (uploads, brand kit, exports). */
    readonly lumiku: Lumiku,
    readonly brandKit: BrandKit,
    private readonly storefrontKey: { id: string; client: Lumiku },
    readonly webhookEndpoint: { id: string; secret: string } | undefined,
  ) {}

  static async open(webhookUrl: string): Promise<Shop> {
    const lumiku = new Lumiku({ apiKey: config.apiKey, baseUrl: config.apiBaseUrl });
    const kits = await lumiku.brandKits.list({ limit: 100 }).toArray();
    const brandKit =
      kits.find((kit) => kit.brandName === config.brandName) ??
      (await lumiku.brandKits.create({ brandName: config.brandName, colors: ['#F4B6C2', '#1B1B1B'], tone: 'calm' }));
    // Browsers are refused unless the key that minted their token lists the page's origin.
    const key = await lumiku.apiKeys.create({ name: 'storefront example', corsOrigins: config.origins });
    const storefrontKey = { id: key.id, client: new Lumiku({ apiKey: key.secret, baseUrl: config.apiBaseUrl }) };
    let webhookEndpoint: Shop['webhookEndpoint'];
    try {
      const endpoint = await lumiku.webhookEndpoints.create({
        url: webhookUrl,
        events: ['generation.completed', 'generation.canceled'],
        description: 'storefront example',
      });
      webhookEndpoint = { id: endpoint.id, secret: endpoint.secret };
    } catch (error) {
      if (!(error instanceof UnprocessableEntityError)) throw error;
      console.warn(
        `webhooks off: the API refused ${webhookUrl} (${error.message}); run it with WEBHOOK_ALLOW_PRIVATE=true`,
      );
    }
    return new Shop(lumiku, brandKit, storefrontKey, webhookEndpoint);
  }

  /** A short-lived token for the page, limited to the shop's brand kit. */
  mintClientToken() {
    return this.storefrontKey.client.clientTokens.create({
      brandKitId: this.brandKit.id,
      scopes: [...PAGE_SCOPES],
      ttlSeconds: CLIENT_TOKEN_TTL_SECONDS,
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.lumiku.apiKeys.revoke(this.storefrontKey.id),
      this.webhookEndpoint && this.lumiku.webhookEndpoints.delete(this.webhookEndpoint.id),
    ]);
  }
}
