// `rewards simulate` with its inputs missing, at a terminal: the fees (or volume and fee rate), the
// share and the number of periods, asked one by one and checked by the same parsers as the flags.
import {parseAmount} from '../../core/amounts.js'
import {parseCount, parsePercent} from '../../core/numbers.js'
import {type SimulateFlags} from '../../nectar/projection.js'
import {type Ask, checkWith} from '../ask.js'

/** Whether the flags lack what a projection needs (fees, share): what the flow would ask. */
export function simulationInputsMissing(flags: SimulateFlags): boolean {
  const fees = flags.fees !== undefined || flags.volume !== undefined || flags['fee-rate'] !== undefined
  const share = (flags.share?.length ?? 0) > 0 || flags['my-volume'] !== undefined || flags['total-volume'] !== undefined
  return !fees || !share
}

/**
 * Asks for what is missing and returns the flags as if given, with the arguments that would have
 * given them (for the "same without questions" line). Flags given on the command line are kept.
 */
export async function askSimulation(ask: Ask, given: SimulateFlags, periodsGiven: boolean): Promise<{added: string[]; flags: SimulateFlags}> {
  const flags = {...given}
  const added: string[] = []
  const set = (flag: 'fee-rate' | 'fees' | 'periods' | 'volume', value: string) => {
    flags[flag] = value
    added.push(`--${flag}`, value)
  }
  if (flags.fees === undefined && flags.volume === undefined && flags['fee-rate'] === undefined) {
    const how = await ask.select('Maker fees per 30-day period:', [
      {name: 'I know the fees (ETH)', value: 'fees'},
      {name: 'From the volume and the fee rate', value: 'volume'},
    ])
    if (how === 'fees') set('fees', await ask.input('Maker fees per period, ETH:', {check: checkWith((a) => parseAmount(a, {allowZero: true, label: 'fees', unit: 'ETH'}))}))
    else {
      set('volume', await ask.input('Maker volume per period, ETH:', {check: checkWith((a) => parseAmount(a, {allowZero: true, label: 'volume', unit: 'ETH'}))}))
      set('fee-rate', await ask.input('Maker fee rate, percent of volume:', {check: checkWith((a) => parsePercent(a, {label: 'fee rate', max: 100})), initial: '0.1'}))
    }
  }
  if (!((flags.share?.length ?? 0) > 0 || flags['my-volume'] !== undefined || flags['total-volume'] !== undefined)) {
    const share = await ask.input('Your share of maker volume, percent:', {check: checkWith((a) => parsePercent(a, {label: 'share', max: 100}))})
    flags.share = [share]
    added.push('--share', share)
  }
  if (!periodsGiven) {
    const periods = await ask.input('Number of 30-day periods:', {check: checkWith((a) => parseCount(a, {label: 'the number of periods', max: 1200, min: 1})), initial: flags.periods})
    if (periods !== flags.periods) set('periods', periods)
  }
  return {added, flags}
}
