export { ConfigError, loadConfig, type Env } from './load.ts';
export {
  clickhouseEnv,
  proxyEnv,
  knownTimeZone,
  durationSchema,
  httpEnv,
  identityEnv,
  journeyWindows,
  kafkaEnv,
  logEnv,
  metricsEnv,
  sourcesEnv,
  stitchStateEnv,
} from './fragments.ts';
export { durationMs, formatDuration, isDuration, JOURNEY_DEFAULTS } from './durations.ts';
export { inputFileProblem, MAX_SETTINGS_FILE_BYTES, readSettingsFile, SettingsFileError, type SettingsProblem } from './files.ts';
export { describeIssue, loadYamlSettings, parseYamlSettings, type YamlSettingsOptions } from './yaml-settings.ts';
export { formatPath, lineOf } from './yaml-lines.ts';
