-- CreateEnum
CREATE TYPE "IdentityMode" AS ENUM ('avatar', 'none');

-- AlterEnum
ALTER TYPE "PoseTemplateSource" ADD VALUE 'photo';

-- AlterTable
ALTER TABLE "GeneratedPose" ADD COLUMN     "detectedKeypoints" JSONB,
ADD COLUMN     "identity" "IdentityMode",
ADD COLUMN     "lowQuality" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "poseError" DOUBLE PRECISION,
ADD COLUMN     "productPlacement" JSONB,
ADD COLUMN     "renders" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PoseGeneration" ADD COLUMN     "avgQualityScore" DOUBLE PRECISION,
ADD COLUMN     "compositeProduct" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "identity" "IdentityMode" NOT NULL DEFAULT 'avatar',
ADD COLUMN     "lowQualityPoses" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rerenders" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "scoredPoses" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PoseTemplate" ADD COLUMN     "qualityScoreCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "PoseRender" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "poseId" UUID NOT NULL,
    "renderIndex" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "qualityScore" DOUBLE PRECISION,
    "poseError" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PoseRender_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PoseRender_userId_idx" ON "PoseRender"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "PoseRender_poseId_renderIndex_key" ON "PoseRender"("poseId", "renderIndex");

-- AddForeignKey
ALTER TABLE "PoseRender" ADD CONSTRAINT "PoseRender_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoseRender" ADD CONSTRAINT "PoseRender_poseId_fkey" FOREIGN KEY ("poseId") REFERENCES "GeneratedPose"("id") ON DELETE CASCADE ON UPDATE CASCADE;
