export { ConfigError, loadConfig, type TrustProxy, trustProxyOption } from './load.js'
export {
  type Config,
  configDocs,
  type FlatConfig,
  type SectionsConfig,
  sections,
  settings,
} from './schema.js'
export { LOGIN_CHALLENGE_GUESSES } from './sections/mfa.js'
