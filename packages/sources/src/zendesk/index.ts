import { rejected, type SourceAdapter, type Translation } from '../adapter.ts';
import { translateAuditsPage } from './audits.ts';
import { ZENDESK_SOURCE, type ZendeskOptions } from './ticket.ts';
import { translateWebhookEvents } from './webhook.ts';

export { ZENDESK_SOURCE, type ZendeskOptions } from './ticket.ts';
export {
  verifyZendeskSignature,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
  type ZendeskSignatureVerdict,
  type ZendeskSignatureCheck,
} from './signature.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Zendesk to canonical events. Accepts, told apart by shape: one event-driven webhook delivery
 * (`{ type: "zen:event-type:…", detail, event }`), an array of them, or a Ticket Audits API page
 * (`{ audits: [...], users?, tickets? }`).
 */
export const zendeskAdapter: SourceAdapter<ZendeskOptions> = {
  source: ZENDESK_SOURCE,
  translate(payload: unknown, options: ZendeskOptions): Translation {
    if (Array.isArray(payload)) return translateWebhookEvents(payload, options, false);
    if (isObject(payload) && 'audits' in payload) return translateAuditsPage(payload, options);
    if (isObject(payload) && 'type' in payload) return translateWebhookEvents([payload], options, true);
    return rejected(
      'not a Zendesk payload: expected a webhook event ({ type: "zen:event-type:…", detail }), an array of them, or a Ticket Audits page ({ audits: [...] })',
    );
  },
};
