import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { closeControlImageRendering, configureControlImageRendering } from './control-image.js';

/** Sizes the control-image thread pool from RENDER_THREADS at boot and stops it on shutdown. */
@Injectable()
export class ControlImageThreads implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): Promise<void> {
    return configureControlImageRendering(this.config.images.renderThreads);
  }

  onModuleDestroy(): Promise<void> {
    return closeControlImageRendering();
  }
}
