import { useEffect, useState } from 'react';
import { Lumiku } from '@lumiku/pose-sdk';
import type { Session } from '../../shared/shop-api';
import { shopApi } from './shop-api';

/** Ask for a new token this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The page's Lumiku client, on a client token from the storefront server, renewed before it
 * expires. The secret key never reaches the browser.
 */
export function useSession() {
  const [state, setState] = useState<{ session: Session; lumiku: Lumiku } | { error: string }>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const renew = () => {
      shopApi.session().then(
        (session) => {
          if (stopped) return;
          setState({ session, lumiku: new Lumiku({ clientToken: session.clientToken, baseUrl: session.apiBaseUrl }) });
          const delay = Math.max(Date.parse(session.expiresAt) - Date.now() - REFRESH_MARGIN_MS, 5_000);
          timer = setTimeout(renew, delay);
        },
        (error: Error) => setState({ error: error.message }),
      );
    };
    renew();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}
