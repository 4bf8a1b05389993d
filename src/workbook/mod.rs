//! Chapter tooling, nothing numeric: flag parsing, the Results block and the expectations
//! ([`cli`]), the list of chapters ([`catalog`]), the article's claims and their verdicts
//! ([`claims`], [`ledger`]), and the page of every chapter's results ([`gallery`]).

pub mod catalog;
pub mod claims;
pub mod cli;
pub mod gallery;
pub mod ledger;
