import { z } from 'zod';

// The response shapes of the metric API and the CLI: the CLI prints them and the API declares them.

const count = z.number().int().nonnegative();
/** Rounded to 6 decimals; null when the denominator is zero. */
const rate = z.number().nonnegative().nullable();

export const scopeSchema = z.object({
  team: z.string().min(1).optional(),
  silo: z.string().min(1).optional(),
});
export type Scope = z.infer<typeof scopeSchema>;

/** Keys in the order docs/metrics.md lists the figures, so printed JSON reads alike. */
export const summarySchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  asOf: z.iso.datetime(),
  scope: scopeSchema,
  contacts: count,
  repeatContacts: count,
  repeatRate: rate,
  matureContacts: count,
  fcrContacts: count,
  fcrRate: rate,
  journeys: count,
  contactsPerJourney: rate,
  crossSiloJourneys: count,
  crossSiloJourneyRate: rate,
  billingTriggeredJourneys: count,
  billingTriggeredRate: rate,
  transfers: count,
  crossSiloTransfers: count,
  bounces: count,
  crossSiloBounces: count,
});
export type Summary = z.infer<typeof summarySchema>;

/** One team's row: the summary scoped to that team, plus the team and its silo. */
export const teamSummarySchema = z.object({
  team: z.string(),
  silo: z.string(),
  ...summarySchema.shape,
});
export type TeamSummary = z.infer<typeof teamSummarySchema>;

export const teamsSchema = z.object({ teams: z.array(teamSummarySchema) });
export type Teams = z.infer<typeof teamsSchema>;

export const transitionsSchema = z.object({
  silos: z.array(z.object({ fromSilo: z.string(), toSilo: z.string(), count })),
  teams: z.array(z.object({ fromTeam: z.string(), toTeam: z.string(), count })),
});
export type Transitions = z.infer<typeof transitionsSchema>;
