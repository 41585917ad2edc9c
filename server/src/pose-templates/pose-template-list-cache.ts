import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { CachedJson } from '../common/http-cache/http-cache.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { EventBus } from '../infra/events/event-bus.js';
import { EVENT_BUS } from '../infra/events/events.module.js';
import { LruCache } from './lru-cache.js';

/** Every API process drops the list pages a template change could alter when it hears of it here. */
export const POSE_TEMPLATES_CHANGED_CHANNEL = 'pose-templates.changed';
/** `userId` null: the shared library changed, which every tenant's lists show. */
interface TemplatesChangedEvent {
  userId: string | null;
}

/** Serialised pages kept per process; a 50-template page is about 55 KB. */
const BUDGET_BYTES = 64 * 1024 * 1024;

interface Page {
  json: CachedJson;
  builtAt: number;
}

/**
 * Serialised list pages by tenant and query, so a hot list is answered from bytes without the database.
 * Lists mix the shared library with the caller's own templates, so every key starts with the caller's
 * user id and no tenant can be answered from another's page.
 *
 * Freshness: a template change (create, update, delete, import, a shared-library change) drops the pages it
 * could alter in this process at once and in the others over the event bus. Usage counters, which every
 * finished generation rewrites, are not announced: a page lives POSE_TEMPLATE_CACHE_TTL at most, which is
 * also the bound for a change whose event was lost.
 */
@Injectable()
export class PoseTemplateListCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PoseTemplateListCache.name);
  private readonly pages = new LruCache<Page>(BUDGET_BYTES, (page) => page.json.body.length);
  /** Builds in flight, so a burst of misses on one page runs its queries once. */
  private readonly building = new Map<string, Promise<CachedJson>>();
  /** Moves on every change: a build that began before one is answered but not kept. */
  private epoch = 0;
  private readonly ttlMs: number;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.caches.poseTemplateListTtlMs;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(POSE_TEMPLATES_CHANGED_CHANNEL, (event) => {
      const { userId } = event as TemplatesChangedEvent;
      if (userId === null || typeof userId === 'string') this.drop(userId);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** The cached page for this tenant and query, or the one `build` makes. */
  async get(userId: string, queryKey: string, build: () => Promise<CachedJson>): Promise<CachedJson> {
    if (this.ttlMs <= 0) return build();
    const key = `${userId}|${queryKey}`;
    const page = this.pages.get(key);
    if (page && Date.now() - page.builtAt < this.ttlMs) return page.json;
    const inFlight = this.building.get(key);
    if (inFlight) return inFlight;
    const startedEpoch = this.epoch;
    const builtAt = Date.now();
    const promise = build().then(
      (json) => {
        if (this.building.get(key) === promise) this.building.delete(key);
        if (this.epoch === startedEpoch) this.pages.set(key, { json, builtAt });
        return json;
      },
      (error: unknown) => {
        if (this.building.get(key) === promise) this.building.delete(key);
        throw error;
      },
    );
    this.building.set(key, promise);
    return promise;
  }

  /**
   * Announces a change to a tenant's own templates (`userId`) or to the shared library (null) after it is
   * stored: this process forgets the affected pages before answering, the others when the event arrives.
   */
  async changed(userId: string | null): Promise<void> {
    this.drop(userId);
    try {
      await this.bus.publish(POSE_TEMPLATES_CHANGED_CHANNEL, { userId } satisfies TemplatesChangedEvent);
    } catch (error) {
      // Stored already; other processes catch up when their pages expire.
      this.logger.warn(`could not announce a pose template change: ${(error as Error).message}`);
    }
  }

  private drop(userId: string | null): void {
    this.epoch++;
    // Requests after a change must not join a build that read the rows before it.
    this.building.clear();
    if (userId === null) {
      this.pages.clear();
      return;
    }
    const prefix = `${userId}|`;
    for (const key of [...this.pages.keys()]) if (key.startsWith(prefix)) this.pages.delete(key);
  }
}
