import {requireContract, type Settings} from '../config/settings.js'

/** The market's contract addresses from the active profile (each missing one is a usage error naming the fix). */
export function marketAddresses(settings: Settings) {
  return {
    market: requireContract(settings, 'market'),
    oracle: requireContract(settings, 'oracle'),
    registry: requireContract(settings, 'registry'),
    snm: requireContract(settings, 'snm'),
  }
}
