// What people see of the rewards commands: the projection table, the curve chart and table, the
// issue summary. JSON and CSV come from the reports in src/lib/nectar.
import {displayAmount} from '../core/amounts.js'
import {type IssueRewardsResult} from '../nectar/issue.js'

/** `rewards issue`: what was minted, and how. */
export function issueLines(r: IssueRewardsResult): Array<[string, string]> {
  return [
    ['minted', `${displayAmount(r.mintedWei)} NEC of ${displayAmount(r.totalWei)} (every row checked against its transaction's mint)`],
    ['transactions', `${r.sent} sent this run, ${r.resumed} done earlier${r.skippedEmptyRows ? `, ${r.skippedEmptyRows} empty rows skipped` : ''}`],
    ['journal', r.journal],
  ]
}
