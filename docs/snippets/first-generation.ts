import { readFile, writeFile } from 'node:fs/promises';
import { Lumiku } from '@lumiku/pose-sdk';

// The key comes from LUMIKU_API_KEY: the one `npm start` printed.
const lumiku = new Lumiku({ baseUrl: 'http://localhost:3000' });

const kit = await lumiku.brandKits.create({ brandName: 'Glow Lab', colors: ['#F4B6C2', '#1B1B1B'], tone: 'calm' });
const avatar = await lumiku.avatars.create({
  file: await readFile('model.jpg'),
  filename: 'model.jpg',
  brandKitId: kit.id,
  name: 'Ayu',
});
const product = await lumiku.products.create({
  file: await readFile('serum.png'),
  filename: 'serum.png',
  brandKitId: kit.id,
  name: 'Vitamin C serum',
  placement: 'hand-right',
});

const batch = {
  avatarId: avatar.id,
  productId: product.id,
  distribution: { 'fashion-standing': 4, 'fashion-walking': 2 },
};
const quote = await lumiku.generations.quote(batch);
console.log(`${quote.totalPoses} poses for ${quote.credits} credits, about ${quote.estimatedSeconds} s`);

const generation = await lumiku.generations.createAndWait(batch, {
  onProgress: (progress) => console.log(`${progress.status} ${progress.progress}%`),
});
console.log(`${generation.status}: ${generation.successfulPoses} of ${generation.totalPoses} poses`);
for await (const pose of lumiku.generations.poses(generation.id)) console.log(pose.slotIndex, pose.outputUrl);
await writeFile('poses.zip', Buffer.from(await (await lumiku.generations.archive(generation.id)).arrayBuffer()));
