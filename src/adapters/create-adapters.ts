import type { Config } from '../config.js';
import type { AdapterContext, PlatformAdapter } from './port.js';

/**
 * The configured platform adapters, as a plain array. A platform whose
 * variables are unset is left out (describeAdapters says why at start).
 * Each platform adds one line here, from its own folder under adapters/.
 */
export function createAdapters(config: Config, context: AdapterContext): PlatformAdapter[] {
  const adapters: PlatformAdapter[] = [];
  void config;
  void context;
  return adapters;
}
