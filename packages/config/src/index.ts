export { ConfigError, failStartup, loadConfig, loadConfigOrExit, type Env } from './load.ts';
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
export { FileProblem, inputFileProblem, MAX_SETTINGS_FILE_BYTES, readSettingsFile } from './files.ts';
