import { useState } from 'react';
import type { Assets } from '../../shared/shop-api';
import { DropZone } from './DropZone';
import { shopApi } from './shop-api';

interface Props {
  assets: Assets;
  avatarId: string | undefined;
  productId: string | undefined;
  onPickAvatar: (id: string) => void;
  onPickProduct: (id: string) => void;
  onUploaded: () => void;
}

/** Model photos and product shots of the brand kit: drop to upload, click to pick for the next batch. */
export function AssetUploads(props: Props) {
  const [status, setStatus] = useState('');
  /** Uploads every dropped file, then picks the last one for the next batch. */
  const uploadAll = (kind: string, send: (file: File) => Promise<{ id: string }>, pick: (id: string) => void) => {
    return (files: File[]) => {
      setStatus(`Uploading ${files.length} ${kind}…`);
      Promise.all(files.map(send)).then(
        (uploaded) => {
          setStatus('');
          props.onUploaded();
          const last = uploaded.at(-1);
          if (last) pick(last.id);
        },
        (error: Error) => setStatus(`Upload failed: ${error.message}`),
      );
    };
  };
  return (
    <section className="card" data-testid="assets">
      <h2>Avatars and products</h2>
      <div className="columns">
        <div>
          <h3>Avatars</h3>
          <DropZone
            label="Drop model photos here"
            testId="avatar-drop"
            onFiles={uploadAll('avatars', shopApi.uploadAvatar, props.onPickAvatar)}
          />
          <div className="thumbs">
            {props.assets.avatars.map((avatar) => (
              <button
                key={avatar.id}
                type="button"
                className={avatar.id === props.avatarId ? 'thumb picked' : 'thumb'}
                onClick={() => props.onPickAvatar(avatar.id)}
                title={avatar.name}
              >
                <img src={avatar.thumbnailUrl} alt={avatar.name} />
              </button>
            ))}
          </div>
        </div>
        <div>
          <h3>Products</h3>
          <DropZone
            label="Drop product shots here"
            testId="product-drop"
            onFiles={uploadAll('products', shopApi.uploadProduct, props.onPickProduct)}
          />
          <div className="thumbs">
            {props.assets.products.map((product) => (
              <button
                key={product.id}
                type="button"
                className={product.id === props.productId ? 'thumb picked' : 'thumb'}
                onClick={() => props.onPickProduct(product.id)}
                title={product.name}
              >
                <img src={product.thumbnailUrl} alt={product.name} />
              </button>
            ))}
          </div>
        </div>
      </div>
      {status && <p className="status">{status}</p>}
    </section>
  );
}
