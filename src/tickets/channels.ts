/**
 * Every channel a complaint comes through, in the order the official report prints them, with what the product
 * needs to know of it: adding a channel is adding a line here (and its adapter in src/intake).
 */
export const CHANNEL_REGISTRY = {
  hotline: { label: 'Tổng đài 1022', reportLabel: 'Qua tổng đài 1022', chat: null },
  walk_in: { label: 'Trực tiếp', reportLabel: 'Trực tiếp', chat: null },
  app: { label: 'App công dân', reportLabel: 'Qua app', chat: null },
  web: { label: 'Trang web', reportLabel: 'Qua web', chat: null },
  email: { label: 'Thư điện tử', reportLabel: 'Qua mail', chat: null },
  // chat platforms: replies go back to the sender on the platform, within the window the platform allows
  zalo: { label: 'Zalo', reportLabel: 'Zalo', chat: { replyWindowHours: 48 } },
  facebook: { label: 'Facebook', reportLabel: 'Facebook', chat: { replyWindowHours: 24 } },
} as const satisfies Record<string, ChannelInfo>;

export interface ChannelInfo {
  /** How staff pages name it. */
  label: string;
  /** How the official report names it ("Qua tổng đài 1022"). */
  reportLabel: string;
  /**
   * A chat platform (Zalo OA, Facebook Messenger): the acknowledgement and the answer go back to the sender on it,
   * within `replyWindowHours` of the citizen's last message. Otherwise replies go by e-mail when an address is known
   * (the sender's own, for mail).
   */
  chat: { replyWindowHours: number } | null;
}

export type Channel = keyof typeof CHANNEL_REGISTRY;
export type ChatChannel = { [C in Channel]: (typeof CHANNEL_REGISTRY)[C]['chat'] extends null ? never : C }[Channel];

/** The channels in report order. */
export const CHANNELS = Object.keys(CHANNEL_REGISTRY) as Channel[];

/** How staff pages name each channel. */
export const CHANNEL_LABELS = Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_REGISTRY[c].label])) as Record<Channel, string>;

/** Whether replies go back on the channel itself (a chat platform), and how long after the citizen's last message. */
export function chatReplyWindowMs(channel: Channel): number | null {
  const chat: ChannelInfo['chat'] = CHANNEL_REGISTRY[channel].chat;
  return chat ? chat.replyWindowHours * 3600_000 : null;
}

export const isChatChannel = (channel: Channel): channel is ChatChannel => CHANNEL_REGISTRY[channel].chat !== null;
