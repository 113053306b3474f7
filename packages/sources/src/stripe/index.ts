export { STRIPE_SOURCE } from './billing-events.ts';
export {
  STRIPE_SIGNATURE_HEADER,
  verifyStripeSignature,
  type StripeSignatureInput,
  type StripeSignatureVerdict,
} from './signature.ts';
export { STRIPE_EVENT_TYPES, stripeAdapter, translateStripeEvent, translateStripePayload } from './translate.ts';
