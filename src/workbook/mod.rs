//! Chapter tooling, nothing numeric: flag parsing and the Results block ([`cli`]), the list of
//! chapters and what their page says ([`catalog`]), the captions of their pictures
//! ([`captions`]), the page of every chapter's results ([`gallery`]), and the run of the whole
//! book ([`runner`]).

pub mod captions;
pub mod catalog;
pub mod cli;
pub mod gallery;
pub mod runner;
