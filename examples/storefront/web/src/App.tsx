import { useCallback, useEffect, useState } from 'react';
import type { Assets } from '../../shared/shop-api';
import { AssetUploads } from './AssetUploads';
import { BrandKitEditor } from './BrandKitEditor';
import { GenerationPanel } from './GenerationPanel';
import { PoseLibrary } from './PoseLibrary';
import { shopApi } from './shop-api';
import { useSession } from './use-session';
import { WebhookLog } from './WebhookLog';

export function App() {
  const state = useSession();
  const [assets, setAssets] = useState<Assets>({ avatars: [], products: [] });
  const [avatarId, setAvatarId] = useState<string>();
  const [productId, setProductId] = useState<string>();
  const reloadAssets = useCallback(() => {
    void shopApi.assets().then((next) => {
      setAssets(next);
      // Pick the newest upload of each kind unless one is picked already.
      setAvatarId((current) => current ?? next.avatars[0]?.id);
      setProductId((current) => current ?? next.products[0]?.id);
    });
  }, []);
  useEffect(reloadAssets, [reloadAssets]);

  if (!state) return <p className="loading">Connecting to the storefront server…</p>;
  if ('error' in state) return <p className="error">The storefront server did not answer: {state.error}</p>;
  const { session, lumiku } = state;
  return (
    <main>
      <header>
        <h1>Lumiku Pose · storefront example</h1>
        <p>
          The page calls the API with a client token (brand kit <code>{session.brandKitId.slice(0, 8)}</code>, until{' '}
          {new Date(session.expiresAt).toLocaleTimeString()}); uploads and exports go through the shop&apos;s server.
        </p>
      </header>
      <BrandKitEditor />
      <AssetUploads
        assets={assets}
        avatarId={avatarId}
        productId={productId}
        onPickAvatar={setAvatarId}
        onPickProduct={setProductId}
        onUploaded={reloadAssets}
      />
      <PoseLibrary lumiku={lumiku} />
      <GenerationPanel lumiku={lumiku} avatarId={avatarId} productId={productId} />
      <WebhookLog enabled={session.webhooks === 'registered'} />
    </main>
  );
}
