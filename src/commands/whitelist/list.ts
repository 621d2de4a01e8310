import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {requireContract} from '../../lib/config/settings.js'

export default class WhitelistList extends BaseCommand<typeof WhitelistList> {
  static description = `List the registered addresses, rebuilt from the controller's Registered/Deregistered events (read in pages
of block ranges). The mainnet controller emits no whitelist events, so there the list cannot be read.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --from-block 19000000 --json']
  static flags = {
    ...rpcFlags,
    'from-block': Flags.string({description: 'First block to read events from (default 0)'}),
    'page-size': Flags.integer({default: 50_000, description: 'Blocks per eth_getLogs request', min: 1}),
  }

  public async run() {
    const from = this.flags['from-block']
    if (from !== undefined && !/^\d{1,15}$/.test(from)) throw nectarError('INVALID_BLOCK', `--from-block ${JSON.stringify(from)} is not a block number.`, {hint: 'Give a block number such as 1200.'})
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const w = await import('../../lib/nectar/whitelist.js')
    if (!(await w.hasEvents(client, controller, [w.REGISTERED_TOPIC, w.DEREGISTERED_TOPIC]))) {
      throw nectarError('NO_WHITELIST_EVENTS', `The controller ${controller} emits no Registered/Deregistered events, so its list cannot be read here.`, {
        hint: 'The mainnet controller keeps the list in a mapping only; check given addresses with `nectar whitelist check ADDRESS...`.',
      })
    }
    const {members, toBlock} = await w.replayMembership(client, {added: w.REGISTERED_TOPIC, removed: w.DEREGISTERED_TOPIC}, {
      controller,
      fromBlock: from === undefined ? 0n : BigInt(from),
      pageSize: BigInt(this.flags['page-size']),
    })
    for (const m of members) this.log(m)
    this.note(`${members.length} registered address${members.length === 1 ? '' : 'es'} as of block ${toBlock}`)
    return {addresses: members, block: toBlock.toString(), count: members.length}
  }
}
