import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {batchFlags, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'
import {parseAddress} from '../../lib/core/addresses.js'
import {parseAmount} from '../../lib/core/amounts.js'
import {type EthTarget, type MigrationResult} from '../../lib/nectar/controller-migrate.js'

export default class ControllerMigrate extends BaseCommand<typeof ControllerMigrate> {
  static summary = 'Copy the whitelist into a candidate controller.'
  static description = `Copy the whitelist of NEC's controller into a candidate: registrations (batched register, sized from the block gas
limit), admins and authorised makers; with --top-up, also the ETH for redemptions. The registered set comes from the
controller's events where it has them, else from every address in NEC's Transfer history, checked on the controller.
You must be an admin of the candidate (and its owner to copy admins and makers). Journaled: a killed run resumes,
and a re-run of a finished migration sends nothing.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --to 0x…',
    '<%= config.bin %> <%= command.id %> --to 0x… --top-up --yes --json',
    '<%= config.bin %> <%= command.id %> --to 0x… --top-up-to 25',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...batchFlags,
    'batch-size': Flags.integer({description: 'Addresses per register transaction (default: from the block gas limit)', hidden: true, min: 1}),
    source: Flags.string({description: 'Where the registered set comes from (default: events when the controller has them)', hidden: true, options: ['events', 'transfers']}),
    to: Flags.string({description: 'The candidate controller', required: true}),
    'top-up': Flags.boolean({description: 'Top the candidate’s ETH up to what the current controller holds', exclusive: ['top-up-to']}),
    'top-up-to': Flags.string({description: 'Top the candidate’s ETH up to this amount (ETH)'}),
  }

  public async run(): Promise<MigrationResult> {
    const {flags} = this
    const candidate = parseAddress(flags.to, '--to')
    const eth: EthTarget | undefined = flags['top-up'] ? 'match' : flags['top-up-to'] === undefined ? undefined : parseAmount(flags['top-up-to'], {allowZero: true, label: '--top-up-to', unit: 'ETH'})
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    await this.tokenController()
    const {migrateController} = await import('../../lib/nectar/controller-migrate.js')
    const result = await migrateController(client, {
      batchSize: flags['batch-size'],
      candidate,
      eth,
      journalDir: path.join(this.dataDir, 'journals'),
      nec,
      source: flags.source as 'events' | 'transfers' | undefined,
    }, await this.batchSendOptions())
    const {migrationLines} = await import('../../lib/cli/controller-views.js')
    this.log(renderKeyValues(migrationLines(result)))
    return result
  }
}
