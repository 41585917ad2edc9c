-- The seed's metric names: renamed in place so existing counts are kept.
ALTER TABLE "DesignMetrics" RENAME COLUMN "posesCreated" TO "timesCreated";
ALTER TABLE "DesignMetrics" RENAME COLUMN "posesFailed" TO "timesFailed";
ALTER TABLE "DesignMetrics" RENAME COLUMN "exports" TO "timesExported";
ALTER TABLE "DesignMetrics" RENAME COLUMN "exportFormats" TO "formatBreakdown";

-- AlterTable
ALTER TABLE "DesignMetrics" ADD COLUMN     "avgCreationTime" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "totalTimeSaved" DOUBLE PRECISION NOT NULL DEFAULT 0;
