//! Chapter tooling, nothing numeric: flag parsing, the Results block and the expectations
//! ([`cli`]), the list of chapters and what their page says ([`catalog`]), each chapter's spec
//! with its exercises and expectations ([`specs`]), the article's claims and their verdicts
//! ([`claims`], [`ledger`]), the captions of their pictures ([`captions`]), the page of every
//! chapter's results ([`gallery`]), the run of the whole book ([`runner`]), and the pipe that
//! keeps stdout apart from the files ([`stdout`]).

pub mod captions;
pub mod catalog;
pub mod claims;
pub mod cli;
pub mod gallery;
pub mod ledger;
pub mod runner;
pub mod specs;
pub mod stdout;
