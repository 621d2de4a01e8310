import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {PublishedEndpoint} from '../../lib/provider/publish-endpoint.js'

export default class ProviderRegister extends BaseCommand<typeof ProviderRegister> {
  static description = 'Publish your agent\'s http(s) endpoint in the provider registry, so renters find it from a deal alone.'
  static examples = ['<%= config.bin %> <%= command.id %> --endpoint https://agent.example.org:8080', '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:8701 --account dev6 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,endpoint: Flags.string({description: 'http:// or https:// URL of your agent', required: true})}

  public async run(): Promise<PublishedEndpoint> {
    const {parseEndpoint} = await import('../../lib/market/provider.js')
    const endpoint = parseEndpoint(this.flags.endpoint) // a bad URL fails before touching the chain
    const {requireContract} = await import('../../lib/config/settings.js')
    const registry = requireContract(this.settings(), 'registry')
    const client = await this.client()
    const {publishEndpoint} = await import('../../lib/provider/publish-endpoint.js')
    const published = await publishEndpoint(client, {endpoint, registry}, await this.sendOptions())
    this.log(`Published ${published.endpoint} for ${published.provider} in ${published.txHash}.`)
    return published
  }
}
