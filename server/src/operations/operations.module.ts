import { Module } from '@nestjs/common';
import { OrphanObjectsRepository } from './orphan-objects.repository.js';
import { OrphanSweep } from './orphan-sweep.js';
import { QueueDashboard } from './queue-dashboard.js';

/** Tools for operators: the queue dashboard, and the sweep of stored files no row names. */
@Module({ providers: [QueueDashboard, OrphanObjectsRepository, OrphanSweep] })
export class OperationsModule {}
