-- CreateTable
CREATE TABLE "ServerState" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServerState_pkey" PRIMARY KEY ("key")
);
