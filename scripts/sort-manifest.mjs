// oclif writes the manifest's commands in load order, which varies from build to build; sorting them
// keeps the checked-in oclif.manifest.json stable.
import {readFileSync, writeFileSync} from 'node:fs'

const file = 'oclif.manifest.json'
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)))
writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n')
