"""Automatic grid division (科學劃分網格, R-GRID-4, R-GRID-6; docs/adr/0029-grid-division.md).

Blocks come from the road network inside a parent (`blocks`), a seeded, balanced partition
groups them into grids of 300–500 households (`partition`), re-division keeps what it can
(`redivision`), figures are computed per grid (`metrics`) and a proposal is kept as a draft
until accepted (`drafts`).
"""
