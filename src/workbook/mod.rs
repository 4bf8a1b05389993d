//! Chapter tooling, nothing numeric: flag parsing and the Results block ([`cli`]), the list of
//! chapters ([`catalog`]), and the page of every chapter's results ([`gallery`]).

pub mod catalog;
pub mod claims;
pub mod cli;
pub mod gallery;
pub mod ledger;
