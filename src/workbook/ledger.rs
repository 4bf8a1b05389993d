//! The ledger: for each chapter, the article's claims it tests, each with the Results keys
//! and the condition that decide it (see [`crate::workbook::claims`]). The catalog reaches it
//! through [`crate::workbook::catalog::claims`].
//!
//! Claims are written in our own words; the section is the article's (§1 … §5, and for §5 the
//! sub-step, such as `§5 1.3`). A claim marked `extended` is something the article does not
//! say or do that the chapter adds. The errata carry the ids `erratum-a` … `erratum-h`.

use crate::workbook::claims::Claim;

/// Every chapter's claims, in the catalog's order.
pub const LEDGER: &[(&str, &[Claim])] = &[];

/// The claims `chapter` tests (none for an unknown name).
pub fn of(chapter: &str) -> &'static [Claim] {
    LEDGER.iter().find(|(c, _)| *c == chapter).map_or(&[], |(_, cs)| cs)
}
