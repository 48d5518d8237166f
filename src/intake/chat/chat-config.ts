import type { Settings } from '../../../config/settings.js';

export interface ChannelSwitch {
  enabled: boolean;
  /** Settings that are unset; the channel is on only when this is empty. */
  missing: string[];
}

/**
 * Whether each chat channel is switched on. A channel is on only when every one of its secrets is set (receiving and
 * replying need them all); with any of them unset its webhook answers 404 and no sender is registered, so its outbox
 * rows fail visibly instead of being sent half-configured.
 * - Facebook: FACEBOOK_APP_SECRET (webhook signature), FACEBOOK_VERIFY_TOKEN (subscription check),
 *   FACEBOOK_PAGE_ACCESS_TOKEN (Send API).
 * - Zalo: ZALO_APP_ID and ZALO_OA_SECRET_KEY (webhook signature), ZALO_APP_SECRET (token refresh). The access and
 *   refresh tokens are not switches: they seed channel_tokens once and live in the database afterwards.
 */
export function chatChannels(s: Settings): { facebook: ChannelSwitch; zalo: ChannelSwitch } {
  const check = (names: Array<keyof Settings>): ChannelSwitch => {
    const missing = names.filter((n) => !s[n]).map(String);
    return { enabled: missing.length === 0, missing };
  };
  return {
    facebook: check(['FACEBOOK_APP_SECRET', 'FACEBOOK_VERIFY_TOKEN', 'FACEBOOK_PAGE_ACCESS_TOKEN']),
    zalo: check(['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY']),
  };
}
