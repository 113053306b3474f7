// @seamline/journeys: the pure domain of Seamline. Events in, customers, contacts, journeys,
// handoffs and the metrics of docs/metrics.md out; definitions.ts holds every rule behind them.
// No I/O except reading the org map file.
export {
  attributeQueue,
  loadOrgMap,
  parseOrgMap,
  unmappedQueues,
  orgMapSchema,
  EMPTY_ORG_MAP,
  UNASSIGNED,
  UNMAPPED_SILO,
  EXTERNAL_SILO,
  type Attribution,
  type OrgMap,
} from './org-map.ts';
export { orgMapFromFile, type OrgMapLogger, type OrgMapSource } from './org-map-source.ts';
export { compareEvents, isBillingEvent, isContactStart, isLegMove, orderEvents } from './events.ts';
export {
  buildIdentityGraph,
  customerIdOf,
  DEFAULT_MAX_IDENTIFIERS,
  type IdentityGraph,
  type IdentityGraphOptions,
  type RefusedLink,
} from './identity-graph.ts';
export { groupEventsByCustomer } from './customer-events.ts';
export {
  linkIncrementally,
  type CustomerMerge,
  type IdentityUpdate,
  type KnownIdentities,
} from './identity-links.ts';
export type { Leg } from './contacts.ts';
export {
  buildCustomerJourneys,
  buildJourneys,
  DEFAULT_BILLING_WINDOW_MS,
  DEFAULT_REPEAT_WINDOW_MS,
} from './journeys.ts';
export type {
  BillingTrigger,
  Contact,
  CustomerJourneys,
  Handoff,
  Journey,
  JourneyModel,
  JourneyOptions,
} from './model.ts';
export {
  computeSummary,
  computeTeams,
  computeTransitions,
  byCodeUnit,
  summarizeJourneys,
  summarizeTeams,
  summarizeTransitions,
  summaryOf,
  transitionsOf,
  type MetricParams,
  type Period,
} from './metrics.ts';
export {
  scopeSchema,
  summarySchema,
  teamSummarySchema,
  teamsSchema,
  transitionsSchema,
  type Scope,
  type Summary,
  type TeamSummary,
  type Teams,
  type Transitions,
} from './summary-schema.ts';
export { journeyModelVersion } from './model-version.ts';
export { crossSiloFlips, legsAsOf, resolvedAsOf } from './as-of.ts';
export {
  COUNT_NAMES,
  COUNTED,
  CREDITED_TEAM,
  creditedPlacement,
  figuresOf,
  isBounce,
  isCrossSilo,
  isMature,
  isRepeat,
  isResolvedAtFirstContact,
  maturityMs,
  NO_COUNTS,
  opensJourney,
  ratio,
  RATES,
  startsNewLeg,
  triggersJourney,
  type CountName,
  type CountedUnit,
  type Counts,
  type Figures,
  type Placement,
} from './definitions.ts';
