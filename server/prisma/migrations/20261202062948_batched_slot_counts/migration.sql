-- AlterTable
ALTER TABLE "GeneratedPose" ADD COLUMN     "counted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "creditsCharged" INTEGER NOT NULL DEFAULT 0;

-- Slots that finished before this migration were counted by the same transaction that finished them.
UPDATE "GeneratedPose" SET "counted" = true WHERE "status" IN ('succeeded', 'failed', 'canceled');
