"""The only code that changes the moral bank (STYLE "Services"), one module per part:
`village` (joining, meetings, rules, review group), `ledger` (accounts, entries,
reversals, balances), `declarations` (declare, vote, check, notice, objections, posting,
vetoes), `redemption` (goods, points, stock, redeeming) and `funds` (the money account)."""
