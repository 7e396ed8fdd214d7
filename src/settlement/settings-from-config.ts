import type { Config } from '../config.js';
import type { SettlementSettings } from './open-run.js';

/** The settlement's slice of the configuration. */
export function settlementSettings(config: Config): SettlementSettings {
  return {
    feeBps: config.money.feeBps, policy: config.money.unspentPolicy, batchSize: config.settlement.batchSize,
    timeZone: config.money.timeZone, graceMinutes: config.money.graceMinutes,
  };
}
