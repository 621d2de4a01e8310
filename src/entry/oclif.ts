// oclif, bundled with the commands (one copy, in dist/chunks) instead of loaded from node_modules as ~150
// CommonJS files: resolving and wrapping each of those cost more start-up time than parsing them.
export {execute} from '@oclif/core'
