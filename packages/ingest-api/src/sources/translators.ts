import { connectAdapter, stripeAdapter, zendeskAdapter, type Translation } from '@seamline/sources';

/** Options the translation of a source's payloads needs (not secrets: replay uses them too). */
export interface TranslatorOptions {
  /** Zendesk group id -> group name, the queue names the org map knows. */
  zendeskGroups: Record<string, string>;
  /** Zendesk user id -> email and phone, for webhooks that name the requester only by id. */
  zendeskUsers?: Record<string, { email?: string | null | undefined; phone?: string | null | undefined }>;
}

export type Translate = (payload: unknown) => Translation;

/** Source name -> how its payloads become canonical events. */
export function sourceTranslators(options: TranslatorOptions): ReadonlyMap<string, Translate> {
  return new Map<string, Translate>([
    ['zendesk', (payload) => zendeskAdapter.translate(payload, { groups: options.zendeskGroups, users: options.zendeskUsers ?? {} })],
    ['connect', (payload) => connectAdapter.translate(payload)],
    ['stripe', (payload) => stripeAdapter.translate(payload)],
  ]);
}
