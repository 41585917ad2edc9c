-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('female', 'male', 'unisex');

-- CreateEnum
CREATE TYPE "AvatarSourceType" AS ENUM ('upload', 'generated', 'stock');

-- CreateEnum
CREATE TYPE "BackgroundRemovalStatus" AS ENUM ('pending', 'succeeded', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "PoseDifficulty" AS ENUM ('easy', 'medium', 'hard');

-- CreateEnum
CREATE TYPE "PoseTemplateSource" AS ENUM ('builtin', 'dataset', 'import', 'user');

-- CreateEnum
CREATE TYPE "GenerationStatus" AS ENUM ('pending', 'processing', 'completed', 'partial', 'failed', 'canceled');

-- CreateEnum
CREATE TYPE "PoseSlotStatus" AS ENUM ('pending', 'processing', 'succeeded', 'failed', 'canceled');

-- CreateEnum
CREATE TYPE "IdempotencyState" AS ENUM ('in_progress', 'completed');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "creditQuota" INTEGER,
    "creditsUsed" INTEGER NOT NULL DEFAULT 0,
    "defaultBrandKitId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "corsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredObject" (
    "id" UUID NOT NULL,
    "userId" UUID,
    "key" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredObject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BrandKit" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "brandName" TEXT NOT NULL,
    "colors" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "fonts" JSONB NOT NULL DEFAULT '[]',
    "category" TEXT,
    "tone" TEXT,
    "tagline" TEXT,
    "logoObjectId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BrandKit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Avatar" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "brandKitId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "gender" "Gender",
    "ageRange" TEXT,
    "style" TEXT,
    "ethnicity" TEXT,
    "sourceType" "AvatarSourceType" NOT NULL DEFAULT 'upload',
    "imageObjectId" UUID NOT NULL,
    "thumbnailObjectId" UUID NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Avatar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "brandKitId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "subcategory" TEXT,
    "productType" TEXT,
    "placement" TEXT,
    "dominantColor" TEXT,
    "originalObjectId" UUID NOT NULL,
    "cutoutObjectId" UUID,
    "thumbnailObjectId" UUID NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "backgroundRemovalStatus" "BackgroundRemovalStatus" NOT NULL DEFAULT 'pending',
    "backgroundRemovalMethod" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoseTemplate" (
    "id" UUID NOT NULL,
    "userId" UUID,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "subcategory" TEXT,
    "keypoints" JSONB NOT NULL,
    "canvasWidth" INTEGER NOT NULL,
    "canvasHeight" INTEGER NOT NULL,
    "difficulty" "PoseDifficulty" NOT NULL DEFAULT 'medium',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "gender" "Gender" NOT NULL DEFAULT 'unisex',
    "productPlacement" TEXT,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "successRate" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "avgQualityScore" DOUBLE PRECISION,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "source" "PoseTemplateSource" NOT NULL DEFAULT 'user',
    "sourceRef" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoseTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoseGenerationProject" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "brandKitId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoseGenerationProject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoseGeneration" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "projectId" UUID,
    "brandKitId" UUID NOT NULL,
    "avatarId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "totalPoses" INTEGER NOT NULL,
    "poseDistribution" JSONB NOT NULL,
    "provider" TEXT NOT NULL,
    "modelId" TEXT,
    "basePrompt" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "seed" INTEGER,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "status" "GenerationStatus" NOT NULL DEFAULT 'pending',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "successfulPoses" INTEGER NOT NULL DEFAULT 0,
    "failedPoses" INTEGER NOT NULL DEFAULT 0,
    "canceledPoses" INTEGER NOT NULL DEFAULT 0,
    "creditUsed" INTEGER NOT NULL DEFAULT 0,
    "webhookUrl" TEXT,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoseGeneration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GeneratedPose" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "generationId" UUID NOT NULL,
    "poseTemplateId" UUID NOT NULL,
    "slotIndex" INTEGER NOT NULL,
    "status" "PoseSlotStatus" NOT NULL DEFAULT 'pending',
    "prompt" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "provider" TEXT,
    "modelId" TEXT,
    "providerJobId" TEXT,
    "outputObjectId" UUID,
    "thumbnailObjectId" UUID,
    "generationTime" INTEGER,
    "qualityScore" DOUBLE PRECISION,
    "userRating" INTEGER,
    "exportCount" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failureCode" TEXT,
    "failureReason" TEXT,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GeneratedPose_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DesignMetrics" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "brandKitId" UUID,
    "designType" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "generations" INTEGER NOT NULL DEFAULT 0,
    "posesCreated" INTEGER NOT NULL DEFAULT 0,
    "posesFailed" INTEGER NOT NULL DEFAULT 0,
    "exports" INTEGER NOT NULL DEFAULT 0,
    "exportFormats" JSONB NOT NULL DEFAULT '{}',
    "creditsUsed" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DesignMetrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'in_progress',
    "responseStatus" INTEGER,
    "responseBody" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret" TEXT NOT NULL,
    "previousSecret" TEXT,
    "previousSecretExpiresAt" TIMESTAMP(3),
    "disabledAt" TIMESTAMP(3),
    "disabledReason" TEXT,
    "failingSince" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "endpointId" UUID,
    "url" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_defaultBrandKitId_key" ON "User"("defaultBrandKitId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "StoredObject_key_key" ON "StoredObject"("key");

-- CreateIndex
CREATE INDEX "StoredObject_userId_idx" ON "StoredObject"("userId");

-- CreateIndex
CREATE INDEX "BrandKit_userId_id_idx" ON "BrandKit"("userId", "id");

-- CreateIndex
CREATE INDEX "BrandKit_logoObjectId_idx" ON "BrandKit"("logoObjectId");

-- CreateIndex
CREATE INDEX "Avatar_userId_id_idx" ON "Avatar"("userId", "id");

-- CreateIndex
CREATE INDEX "Avatar_brandKitId_idx" ON "Avatar"("brandKitId");

-- CreateIndex
CREATE INDEX "Avatar_imageObjectId_idx" ON "Avatar"("imageObjectId");

-- CreateIndex
CREATE INDEX "Avatar_thumbnailObjectId_idx" ON "Avatar"("thumbnailObjectId");

-- CreateIndex
CREATE INDEX "Product_userId_id_idx" ON "Product"("userId", "id");

-- CreateIndex
CREATE INDEX "Product_brandKitId_idx" ON "Product"("brandKitId");

-- CreateIndex
CREATE INDEX "Product_originalObjectId_idx" ON "Product"("originalObjectId");

-- CreateIndex
CREATE INDEX "Product_cutoutObjectId_idx" ON "Product"("cutoutObjectId");

-- CreateIndex
CREATE INDEX "Product_thumbnailObjectId_idx" ON "Product"("thumbnailObjectId");

-- CreateIndex
CREATE UNIQUE INDEX "PoseTemplate_sourceRef_key" ON "PoseTemplate"("sourceRef");

-- CreateIndex
CREATE INDEX "PoseTemplate_userId_idx" ON "PoseTemplate"("userId");

-- CreateIndex
CREATE INDEX "PoseTemplate_category_id_idx" ON "PoseTemplate"("category", "id");

-- CreateIndex
CREATE INDEX "PoseGenerationProject_userId_id_idx" ON "PoseGenerationProject"("userId", "id");

-- CreateIndex
CREATE INDEX "PoseGenerationProject_brandKitId_idx" ON "PoseGenerationProject"("brandKitId");

-- CreateIndex
CREATE INDEX "PoseGeneration_userId_id_idx" ON "PoseGeneration"("userId", "id");

-- CreateIndex
CREATE INDEX "PoseGeneration_userId_status_idx" ON "PoseGeneration"("userId", "status");

-- CreateIndex
CREATE INDEX "PoseGeneration_projectId_idx" ON "PoseGeneration"("projectId");

-- CreateIndex
CREATE INDEX "PoseGeneration_brandKitId_idx" ON "PoseGeneration"("brandKitId");

-- CreateIndex
CREATE INDEX "PoseGeneration_avatarId_idx" ON "PoseGeneration"("avatarId");

-- CreateIndex
CREATE INDEX "PoseGeneration_productId_idx" ON "PoseGeneration"("productId");

-- CreateIndex
CREATE INDEX "GeneratedPose_userId_idx" ON "GeneratedPose"("userId");

-- CreateIndex
CREATE INDEX "GeneratedPose_generationId_status_idx" ON "GeneratedPose"("generationId", "status");

-- CreateIndex
CREATE INDEX "GeneratedPose_poseTemplateId_idx" ON "GeneratedPose"("poseTemplateId");

-- CreateIndex
CREATE INDEX "GeneratedPose_outputObjectId_idx" ON "GeneratedPose"("outputObjectId");

-- CreateIndex
CREATE INDEX "GeneratedPose_thumbnailObjectId_idx" ON "GeneratedPose"("thumbnailObjectId");

-- CreateIndex
CREATE UNIQUE INDEX "GeneratedPose_generationId_slotIndex_key" ON "GeneratedPose"("generationId", "slotIndex");

-- CreateIndex
CREATE INDEX "DesignMetrics_brandKitId_idx" ON "DesignMetrics"("brandKitId");

-- CreateIndex
CREATE UNIQUE INDEX "DesignMetrics_userId_brandKitId_designType_period_key" ON "DesignMetrics"("userId", "brandKitId", "designType", "period");

-- CreateIndex
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyKey_userId_key_key" ON "IdempotencyKey"("userId", "key");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_userId_id_idx" ON "WebhookEndpoint"("userId", "id");

-- CreateIndex
CREATE INDEX "WebhookEvent_userId_createdAt_idx" ON "WebhookEvent"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_eventId_idx" ON "WebhookDelivery"("eventId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventId_key" ON "WebhookDelivery"("endpointId", "eventId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_defaultBrandKitId_fkey" FOREIGN KEY ("defaultBrandKitId") REFERENCES "BrandKit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredObject" ADD CONSTRAINT "StoredObject_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrandKit" ADD CONSTRAINT "BrandKit_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrandKit" ADD CONSTRAINT "BrandKit_logoObjectId_fkey" FOREIGN KEY ("logoObjectId") REFERENCES "StoredObject"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Avatar" ADD CONSTRAINT "Avatar_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Avatar" ADD CONSTRAINT "Avatar_brandKitId_fkey" FOREIGN KEY ("brandKitId") REFERENCES "BrandKit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Avatar" ADD CONSTRAINT "Avatar_imageObjectId_fkey" FOREIGN KEY ("imageObjectId") REFERENCES "StoredObject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Avatar" ADD CONSTRAINT "Avatar_thumbnailObjectId_fkey" FOREIGN KEY ("thumbnailObjectId") REFERENCES "StoredObject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_brandKitId_fkey" FOREIGN KEY ("brandKitId") REFERENCES "BrandKit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_originalObjectId_fkey" FOREIGN KEY ("originalObjectId") REFERENCES "StoredObject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_cutoutObjectId_fkey" FOREIGN KEY ("cutoutObjectId") REFERENCES "StoredObject"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Product" ADD CONSTRAINT "Product_thumbnailObjectId_fkey" FOREIGN KEY ("thumbnailObjectId") REFERENCES "StoredObject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseTemplate" ADD CONSTRAINT "PoseTemplate_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGenerationProject" ADD CONSTRAINT "PoseGenerationProject_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGenerationProject" ADD CONSTRAINT "PoseGenerationProject_brandKitId_fkey" FOREIGN KEY ("brandKitId") REFERENCES "BrandKit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGeneration" ADD CONSTRAINT "PoseGeneration_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGeneration" ADD CONSTRAINT "PoseGeneration_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PoseGenerationProject"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGeneration" ADD CONSTRAINT "PoseGeneration_brandKitId_fkey" FOREIGN KEY ("brandKitId") REFERENCES "BrandKit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGeneration" ADD CONSTRAINT "PoseGeneration_avatarId_fkey" FOREIGN KEY ("avatarId") REFERENCES "Avatar"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseGeneration" ADD CONSTRAINT "PoseGeneration_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedPose" ADD CONSTRAINT "GeneratedPose_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedPose" ADD CONSTRAINT "GeneratedPose_generationId_fkey" FOREIGN KEY ("generationId") REFERENCES "PoseGeneration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedPose" ADD CONSTRAINT "GeneratedPose_poseTemplateId_fkey" FOREIGN KEY ("poseTemplateId") REFERENCES "PoseTemplate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedPose" ADD CONSTRAINT "GeneratedPose_outputObjectId_fkey" FOREIGN KEY ("outputObjectId") REFERENCES "StoredObject"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedPose" ADD CONSTRAINT "GeneratedPose_thumbnailObjectId_fkey" FOREIGN KEY ("thumbnailObjectId") REFERENCES "StoredObject"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DesignMetrics" ADD CONSTRAINT "DesignMetrics_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DesignMetrics" ADD CONSTRAINT "DesignMetrics_brandKitId_fkey" FOREIGN KEY ("brandKitId") REFERENCES "BrandKit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdempotencyKey" ADD CONSTRAINT "IdempotencyKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "WebhookEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
