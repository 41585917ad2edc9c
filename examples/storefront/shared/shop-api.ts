/** What the storefront server answers its page (the page's own API, beside the Lumiku one). */
import type { Avatar, Product } from '@lumiku/pose-sdk';

export interface Session {
  /** A client token for this page: pose library, quotes, generations of the shop's brand kit. */
  clientToken: string;
  expiresAt: string;
  apiBaseUrl: string;
  brandKitId: string;
  /** Whether the API accepted this server's webhook endpoint (127.0.0.1 needs WEBHOOK_ALLOW_PRIVATE=true). */
  webhooks: 'registered' | 'refused';
}

export interface Assets {
  avatars: Avatar[];
  products: Product[];
}

/** A delivery this server verified with `webhooks.verify`. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  receivedAt: string;
  generationId: string | undefined;
  status: string | undefined;
}
