import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {PublishedEndpoint} from '../../lib/market/endpoints.js'

export default class ProviderRegister extends BaseCommand<typeof ProviderRegister> {
  static description =
    "Publish your agent's http(s) URL as a self-issued ProfileRegistry attribute (type 1001), so renters find it from a deal alone. A new URL replaces the old one; the same URL sends nothing."
  static examples = ['<%= config.bin %> <%= command.id %> --endpoint https://agent.example.org:8080', '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:8701 --account dev6 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags, endpoint: Flags.string({description: 'http:// or https:// URL of your agent', required: true})}

  public async run(): Promise<PublishedEndpoint> {
    const {parseEndpoint} = await import('../../lib/market/provider.js')
    const endpoint = parseEndpoint(this.flags.endpoint) // a bad URL fails before touching the chain
    const {profileRegistry} = await this.marketAddresses(['profileRegistry'])
    const {publishEndpoint} = await import('../../lib/market/endpoints.js')
    const published = await publishEndpoint(await this.client(), {endpoint, profileRegistry}, await this.sendOptions())
    if (published.txHash) this.log(`Published ${published.endpoint} for ${published.provider} in ${published.txHash}.`)
    else this.log(`${published.provider} already publishes ${published.endpoint}; nothing was sent.`)
    return published
  }
}
