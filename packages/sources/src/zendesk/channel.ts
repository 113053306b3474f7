import type { CanonicalEventInput } from '@seamline/schemas';
import type { Via } from './schema.ts';

type Channel = CanonicalEventInput['channel'];

/**
 * Zendesk `via.channel` values (REST and webhook spellings) to canonical channels. Agent-facing and
 * programmatic ways in (api, web_service, rule, mobile_sdk…) count as web: the customer reached us
 * through a form, an app or an integration rather than a conversation channel.
 */
const CHANNEL_BY_VIA: Readonly<Record<string, Channel>> = {
  email: 'email',
  mail: 'email',
  web: 'web',
  web_form: 'web',
  web_widget: 'web',
  help_center: 'web',
  mobile: 'web',
  mobile_sdk: 'web',
  api: 'web',
  web_service: 'web',
  rule: 'web',
  system: 'web',
  sample_ticket: 'web',
  chat: 'chat',
  chat_transcript: 'chat',
  native_messaging: 'chat',
  messaging: 'chat',
  voice: 'phone',
  phone: 'phone',
  phone_call_inbound: 'phone',
  phone_call_outbound: 'phone',
  voicemail: 'phone',
  sms: 'sms',
  text: 'sms',
  twitter: 'social',
  facebook: 'social',
  facebook_post: 'social',
  facebook_message: 'social',
  instagram_dm: 'social',
  whatsapp: 'social',
  line: 'social',
  wechat: 'social',
  social: 'social',
};

/** The raw channel name, lower-cased (webhooks spell some in capitals). */
export const viaChannelName = (via: Via | null | undefined): string | undefined =>
  via?.channel ? via.channel.trim().toLowerCase() : undefined;

/** Unknown or missing channels count as web; the raw value stays in attributes.viaChannel. */
export const canonicalChannel = (viaChannel: string | undefined): Channel =>
  (viaChannel !== undefined && Object.hasOwn(CHANNEL_BY_VIA, viaChannel) ? CHANNEL_BY_VIA[viaChannel] : undefined) ?? 'web';

/**
 * Outbound only when Zendesk says so: `via.source.rel == "outbound"` (Talk outbound calls, outbound
 * messages). An agent typing a ticket for a customer who phoned in is still that customer's contact.
 */
export const ticketDirection = (via: Via | null | undefined): 'inbound' | 'outbound' =>
  via?.source?.rel?.toLowerCase() === 'outbound' ? 'outbound' : 'inbound';

/** The ticket this one follows up (a closed ticket the customer came back to), if any. */
export function followUpSource(via: Via | null | undefined, followupSourceId: string | null | undefined): string | undefined {
  if (followupSourceId) return followupSourceId;
  if (via?.source?.rel?.toLowerCase() === 'follow_up') return via.source.from?.ticket_id ?? undefined;
  return undefined;
}
