import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from '../infra/database/database.service.js';

export type ProjectFields = Pick<
  Prisma.PoseGenerationProjectUncheckedCreateInput,
  'name' | 'description' | 'brandKitId'
>;

@Injectable()
export class ProjectsRepository {
  constructor(private readonly database: DatabaseService) {}

  create(userId: string, fields: ProjectFields) {
    return this.database.client.poseGenerationProject.create({ data: { ...fields, userId } });
  }

  findOwned(userId: string, id: string) {
    return this.database.client.poseGenerationProject.findFirst({ where: { id, userId } });
  }

  list(userId: string, limit: number, beforeId: string | undefined) {
    return this.database.client.poseGenerationProject.findMany({
      where: { userId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  update(id: string, fields: Partial<ProjectFields>) {
    return this.database.client.poseGenerationProject.update({ where: { id }, data: fields });
  }

  async delete(id: string): Promise<void> {
    await this.database.client.poseGenerationProject.delete({ where: { id } });
  }

  brandKitOwned(userId: string, brandKitId: string) {
    return this.database.client.brandKit.findFirst({ where: { id: brandKitId, userId }, select: { id: true } });
  }
}
