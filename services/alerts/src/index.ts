export { buildAlertsApp, type AlertsAppOptions } from './app.ts';
export { nextBreachState, type BreachState, type BreachStep, type Observation } from './breach.ts';
export { buildDigest, digestTeams, dueDigestInstant, latestDigestInstant, type Digest } from './digest.ts';
export { evaluateRules, scopeKey, type Metrics, type RuleEvaluation } from './evaluate.ts';
export { alertMessage, digestMessage, recoveryMessage, slackMessageSchema, type SlackMessage } from './messages.ts';
export { createWebhookNotifier, type Delivery, type Notifier, type NotifierOptions } from './notify.ts';
export {
  alertRulesSchema,
  loadAlertRules,
  parseAlertRules,
  rulesWithoutMatureContacts,
  type AlertRule,
  type AlertRules,
  type DigestSettings,
  type Webhook,
} from './rules.ts';
export { runAlertsOnce, type AlertsDeps, type RunReport } from './run.ts';
export { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler.ts';
