export { ConfigError, loadConfig, type TrustProxy, trustProxyOption } from './load.js'
export { type Config, configDocs, settings } from './schema.js'
