import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../../config/settings.js';
import { Clock } from '../../common/clock.js';
import { parseZaloTokenResponse, ZaloApiError, zaloRefreshRequest } from '../channels/outbound.js';
import { ChannelToken } from '../channel-token.entity.js';
import { callPlatform, describeAnswer } from './http-call.js';

const CHANNEL = 'zalo';

/**
 * The Zalo OA tokens, kept in channel_tokens (seeded once from ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN). A refresh
 * hands out a new refresh token and voids the old one, so refreshes are serialised on the row lock (of several
 * workers or instances only one calls Zalo; the others find the new token) and the new pair is committed before the
 * new access token is used.
 */
@Injectable()
export class ZaloTokenStore {
  private readonly logger = new Logger('ZaloTokens');

  constructor(private readonly ds: DataSource, private readonly settings: Settings, private readonly clock: Clock) {}

  /** The stored tokens; on first use, the ones from the settings. */
  async current(): Promise<ChannelToken> {
    const row = await this.ds.getRepository(ChannelToken).findOneBy({ channel: CHANNEL });
    if (row) return row;
    const { ZALO_ACCESS_TOKEN: access, ZALO_REFRESH_TOKEN: refresh } = this.settings;
    if (!access || !refresh) throw new Error('no Zalo OA token: set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN');
    await this.ds.query(
      `INSERT INTO channel_tokens (channel, access_token, refresh_token, expires_at, updated_at) VALUES ($1, $2, $3, NULL, $4)
       ON CONFLICT (channel) DO NOTHING`,
      [CHANNEL, access, refresh, this.clock.now()],
    );
    return this.ds.getRepository(ChannelToken).findOneByOrFail({ channel: CHANNEL });
  }

  /**
   * A fresh access token in place of `stale`. When another worker has replaced `stale` meanwhile, its token is
   * returned without calling Zalo. Otherwise Zalo is asked with the stored refresh token, and the new access and
   * refresh tokens are stored (committed) before this returns.
   */
  async refresh(stale: string): Promise<string> {
    return this.ds.transaction(async (m) => {
      const [row]: Array<{ access_token: string; refresh_token: string }> = await m.query(
        `SELECT access_token, refresh_token FROM channel_tokens WHERE channel = $1 FOR UPDATE`,
        [CHANNEL],
      );
      if (!row) throw new Error('no Zalo OA token stored to refresh');
      if (row.access_token !== stale) return row.access_token;
      const req = zaloRefreshRequest(this.settings.ZALO_OAUTH_URL, this.settings.ZALO_APP_ID!, this.settings.ZALO_APP_SECRET!, row.refresh_token);
      const answer = await callPlatform('Zalo OAuth', req);
      if (!answer.ok) throw new Error(describeAnswer('Zalo OAuth', answer));
      let tokens;
      try {
        tokens = parseZaloTokenResponse(answer.json);
      } catch (e) {
        const why = e instanceof ZaloApiError ? `${e.message}${e.code !== null ? ` (error ${e.code})` : ''}` : (e as Error).message;
        this.logger.error(`Zalo refused to refresh the OA token: ${why}; if the refresh token is no longer valid, authorise the OA again`);
        throw new Error(`Zalo OAuth refused the token refresh: ${why}`);
      }
      const now = this.clock.now();
      await m.query(
        `UPDATE channel_tokens SET access_token = $2, refresh_token = $3, expires_at = $4, updated_at = $5 WHERE channel = $1`,
        [CHANNEL, tokens.accessToken, tokens.refreshToken, new Date(now.getTime() + tokens.expiresInSec * 1000), now],
      );
      this.logger.log(`Zalo OA token refreshed, valid for ${Math.round(tokens.expiresInSec / 3600)} h`);
      return tokens.accessToken;
    });
  }
}
