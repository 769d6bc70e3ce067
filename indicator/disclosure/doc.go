// Package disclosure suppresses and rounds small counts in published health
// statistics so that individuals cannot be re-identified from them.
//
// A [Policy] states which counts are too small to publish, whether zero may
// be published, the base published counts are rounded to, and the marker
// shown in place of a suppressed value. [HES] and [CMS] return two common
// policies; the zero Policy suppresses nothing.
//
// # Primary suppression
//
// A count is suppressed by the primary rule when Min <= count <= Max (a
// closed range, e.g. 1–7). Zero is decided by SuppressZero alone, never by
// the range, so Min 0 means "every positive count up to Max" and a zero is
// published unless SuppressZero is set. Max 0 turns the range off. Counts
// strictly between 0 and Min are published, which only matters for
// non-integer (e.g. weighted) counts: use Min 0 for those.
//
// Counts must be finite and non-negative; anything else is an error
// ([ErrInvalidCount]). [Policy.Suppressed] is the error-free form and fails
// closed: it reports every invalid count as suppressed.
//
// A value derived from counts (a percentage, a rate) is suppressed when any of
// its counts is; [Derived] combines the reasons.
//
// # Rounding
//
// [Policy.Round] rounds a count to the nearest multiple of RoundTo; an exact
// tie goes up (away from zero), so with RoundTo 5: 12 → 10, 12.5 → 15,
// 13 → 15, and with RoundTo 10: 15 → 20. Suppression is decided on the raw
// count; rounding applies only to what is published. Set Max >= RoundTo/2 so
// that no published positive count is rounded to 0.
//
// # Complementary suppression
//
// [Policy.ApplyTable] takes a table of counts (rows × columns; a stratified
// 1-D breakdown is one row or one column) whose margins are published exactly:
// the row totals (when a row has more than one cell), the column totals (when
// a column has more than one cell) and the grand total. Margins that coincide
// with a single cell are that cell, so a 1-D table has only its grand total.
//
// After the primary rule, when Complementary is set, further cells are
// suppressed until no suppressed cell can be computed exactly from the
// published cells and the margins:
//
//   - 1-D: the sum of the suppressed cells is known, so one suppressed cell
//     alone is exposed. The cheapest other cell is suppressed with it.
//   - 2-D: think of rows and columns as vertices and suppressed cells as the
//     edges between them. A suppressed cell can be solved for exactly from the
//     row and column equations if and only if it lies on no cycle of that
//     graph (it is a bridge). While a bridge remains, the first one in
//     row-major order is closed into a cycle by the cheapest path of cells
//     from its row to its column, and those cells are suppressed. Adding cells
//     never exposes another cell, so this ends, at the latest when all cells
//     of the table are suppressed.
//
// "Cheapest" compares, in order: the number of published zeros used (an
// intruder may know a cell is a structural zero, so a zero is a poor
// complement and is used only when nothing else will do), the sum of the
// counts suppressed (information lost), the number of cells suppressed, and
// then position: rows and columns are scanned in index order and the first of
// equal candidates wins. The pattern therefore depends only on the table and
// the policy: the same table always gets the same pattern.
//
// # Limits of the guarantee
//
// The protection is against exact recovery of a suppressed cell by linear
// arithmetic on the published cells and margins. It is not against interval
// attacks: an intruder who knows counts are non-negative, or who knows the
// policy, can often bound a suppressed cell (e.g. a cell lies between 1 and
// the row total). Nor does it protect the margins themselves: if a row or
// column total falls under the primary rule, publishing it discloses a small
// count, and suppressing only that total does not help because it is the
// grand total minus the other totals; merge strata instead. A 1×1 table with
// a suppressed cell cannot be protected (its total is the cell) and gives
// [ErrUnprotectable]. Rounding published values adds protection that this
// analysis does not count on, since it assumes exact margins. Linked tables
// (the same counts published in several tables) are analysed one at a time,
// so they are not protected against each other.
package disclosure
